using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Chatwoot;

/// <summary>The <c>Chatwoot</c> configuration section.</summary>
public sealed class ChatwootOptions
{
    public const string SectionName = "Chatwoot";

    /// <summary>API base, e.g. <c>http://chatwoot:3000</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Public base for Help Center and dashboard links; defaults to <see cref="BaseUrl"/>.</summary>
    public Uri? PublicUrl { get; set; }

    [Range(1, long.MaxValue)]
    public long? AccountId { get; set; }

    /// <summary>The agent bot's token: replies and handoffs.</summary>
    public string? BotAccessToken { get; set; }

    /// <summary>A user or admin token, only for setup and for reading portals.</summary>
    public string? ApiAccessToken { get; set; }

    /// <summary>
    /// The HMAC secret of signed webhooks, and the <c>?token=</c> of Chatwoot that cannot sign. Chatwoot gives
    /// the agent bot and the account webhook a secret each: list both, separated by commas.
    /// </summary>
    public string? WebhookSecret { get; set; }

    public string? DefaultPortalSlug { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string DefaultLocale { get; set; } = "en";

    /// <summary>How long fetched articles are used before they are fetched again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ArticleCacheTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How old a signed webhook's timestamp may be, either way.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After a message post timed out, how long to wait for Chatwoot's webhook of that message before
    /// deciding it was not created and posting again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan UnknownOutcomeDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest webhook body accepted.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxWebhookBytes { get; set; } = 1024 * 1024;

    public Uri? EffectivePublicUrl => PublicUrl ?? BaseUrl;
}
