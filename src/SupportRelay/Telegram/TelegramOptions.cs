using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Telegram;

/// <summary>The <c>Telegram</c> configuration section: the bot, its API endpoint and how updates arrive.</summary>
public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    /// <summary>The bot's token from @BotFather; unset, Telegram notifications fail (and fall back to email).</summary>
    public string? BotToken { get; set; }

    /// <summary>The bot's username, without <c>@</c>; Telegram usernames are 5 to 32 characters.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9_]{4,31}$", ErrorMessage = "Telegram:BotUsername must be the bot's username without '@' (5-32 letters, digits or _).")]
    public string? BotUsername { get; set; }

    /// <summary>The Bot API server; a self-hosted Bot API server works too.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.telegram.org");

    /// <summary>The <c>secret_token</c> given to setWebhook; while unset the webhook refuses every update.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,256}$", ErrorMessage = "Telegram:WebhookSecret may hold 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule).")]
    public string? WebhookSecret { get; set; }

    /// <summary><c>webhook</c> (default) or <c>polling</c> (getUpdates, for hosts without public HTTPS).</summary>
    [RegularExpression("^(webhook|polling)$", ErrorMessage = "Telegram:Mode must be 'webhook' or 'polling'.")]
    public string Mode { get; set; } = "webhook";

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one getUpdates call waits for updates (long polling).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan PollingTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Largest webhook body accepted.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxWebhookBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Answers per hour to a chat no provider has linked (hints, refusals, unknown codes); past it the bot is
    /// silent there. A chat that gets linked is always told so.
    /// </summary>
    [Range(0, 1000)]
    public int UnlinkedChatAnswersPerHour { get; set; } = 3;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BotToken);
}
