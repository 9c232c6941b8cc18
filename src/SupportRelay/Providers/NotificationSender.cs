namespace SupportRelay.Providers;

/// <summary>The channels a provider can be notified on; stored and sent as lower-case names.</summary>
public enum NotificationChannel
{
    Telegram,
    Sms,
    Email,
}

/// <summary>A provider's stored notification settings.</summary>
public sealed record NotificationConfig(
    string ProviderPubkey,
    string? ChatwootPortalSlug,
    NotificationChannel NotifyVia,
    long? TelegramChatId,
    string? NotifyPhone,
    string? NotifyEmail,
    DateTimeOffset UpdatedAt);

/// <summary>What to tell the provider: a short subject, plain text, and where to look.</summary>
public sealed record NotificationContent(string Subject, string Text, Uri? Link = null, long? AccountId = null, long? ConversationId = null);

/// <summary>
/// Whether the channel took the notification; <see cref="Error"/> says why not, <see cref="Permanent"/>
/// whether trying again could help, and <see cref="RetryAfter"/> how long the channel asked us to wait.
/// </summary>
public sealed record NotificationResult(bool Accepted, string? Error)
{
    public static NotificationResult Success { get; } = new(true, null);

    /// <summary>True when sending again cannot help (blocked bot, invalid number, mailbox refused, channel not configured).</summary>
    public bool Permanent { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public static NotificationResult Failed(string error) => new(false, error);

    public static NotificationResult Transient(string error, TimeSpan? retryAfter = null) => new(false, error) { RetryAfter = retryAfter };

    public static NotificationResult PermanentFailure(string error) => new(false, error) { Permanent = true };
}

/// <summary>Sends one notification on the channel the config names (Telegram, SMS or email).</summary>
public interface INotificationSender
{
    Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken ct);
}

/// <summary>One notification channel; the dispatcher picks the one the provider's config names.</summary>
public interface INotificationChannel
{
    NotificationChannel Channel { get; }

    /// <summary>False when the operator has not configured the channel (no token, no SMTP host...).</summary>
    bool IsConfigured { get; }

    Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken cancellationToken);
}
