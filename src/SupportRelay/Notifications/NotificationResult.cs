namespace SupportRelay.Notifications;

/// <summary>
/// Whether the channel took the notification; <see cref="Error"/> says why not, <see cref="Permanent"/>
/// whether trying again could help, <see cref="RetryAfter"/> how long the channel asked us to wait, and
/// <see cref="MessageId"/> the channel's id of the message sent (Telegram's, for routing replies).
/// </summary>
public sealed record NotificationResult(bool Accepted, string? Error)
{
    public static NotificationResult Success { get; } = new(true, null);

    /// <summary>True when sending again cannot help (blocked bot, invalid number, mailbox refused, channel not configured).</summary>
    public bool Permanent { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public long? MessageId { get; init; }

    public static NotificationResult Sent(long? messageId) => new(true, null) { MessageId = messageId };

    public static NotificationResult Transient(string error, TimeSpan? retryAfter = null) => new(false, error) { RetryAfter = retryAfter };

    public static NotificationResult PermanentFailure(string error) => new(false, error) { Permanent = true };
}
