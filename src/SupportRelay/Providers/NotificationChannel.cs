namespace SupportRelay.Providers;

/// <summary>The channels a provider can be notified on; stored and sent as lower-case names (<see cref="NotificationChannels"/>).</summary>
public enum NotificationChannel
{
    Telegram,
    Sms,
    Email,
}
