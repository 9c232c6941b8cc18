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

    /// <summary>
    /// The Help Center's public address, defaulting to <see cref="PublicUrl"/>, then <see cref="BaseUrl"/>. Chatwoot
    /// answers <c>/hc</c> only on the host of its <c>FRONTEND_URL</c>, of <c>HELPCENTER_URL</c> or of a portal's
    /// custom domain (<c>PublicController#ensure_custom_domain_request</c>), and takes the host from
    /// <c>X-Forwarded-Host</c> when there is one. Articles are fetched from <see cref="BaseUrl"/> presenting this
    /// host, and article links point here.
    /// </summary>
    public Uri? HelpCenterUrl { get; set; }

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

    public Uri? EffectiveHelpCenterUrl => HelpCenterUrl ?? PublicUrl ?? BaseUrl;

    /// <summary>Which settings chose <see cref="EffectiveHelpCenterUrl"/>, for messages that tell the operator what to change.</summary>
    public string HelpCenterUrlSource => HelpCenterUrl is not null ? "Chatwoot:HelpCenterUrl"
        : PublicUrl is not null ? "Chatwoot:PublicUrl (Chatwoot:HelpCenterUrl is not set)"
        : "Chatwoot:BaseUrl (neither Chatwoot:HelpCenterUrl nor Chatwoot:PublicUrl is set)";
}
