using SupportRelay.Providers;

namespace SupportRelay.Notifications;

/// <summary>One notification channel (Telegram, SMS, e-mail); <see cref="NotificationDispatcher"/> picks it and checks the destination first.</summary>
public interface INotificationChannel
{
    NotificationChannel Channel { get; }

    /// <summary>False when the operator has not configured the channel (no token, no SMTP host...).</summary>
    bool IsConfigured { get; }

    /// <summary>Sends to <paramref name="address"/> (a chat id, an E.164 number, an e-mail address).</summary>
    Task<NotificationResult> SendAsync(string address, NotificationContent content, CancellationToken cancellationToken);
}
