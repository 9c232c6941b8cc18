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

/// <summary>Whether the channel took the notification; <see cref="Error"/> says why not.</summary>
public sealed record NotificationResult(bool Accepted, string? Error)
{
    public static NotificationResult Success { get; } = new(true, null);

    public static NotificationResult Failed(string error) => new(false, error);
}

/// <summary>Sends one notification on the channel the config names (Telegram, SMS or email).</summary>
public interface INotificationSender
{
    Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken ct);
}

/// <summary>
/// Stands in until the notification channels are built (their own issue replaces this registration),
/// so that the test endpoint answers honestly instead of pretending to send.
/// </summary>
internal sealed class UnavailableNotificationSender : INotificationSender
{
    public Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken ct) =>
        Task.FromResult(NotificationResult.Failed("channel not available yet"));
}
