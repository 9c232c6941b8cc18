namespace SupportRelay.Providers;

/// <summary>The wire and storage names of <see cref="NotificationChannel"/>.</summary>
public static class NotificationChannels
{
    public static string Name(this NotificationChannel channel) => channel switch
    {
        NotificationChannel.Telegram => "telegram",
        NotificationChannel.Sms => "sms",
        NotificationChannel.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static NotificationChannel? Parse(string? name) => name switch
    {
        "telegram" => NotificationChannel.Telegram,
        "sms" => NotificationChannel.Sms,
        "email" => NotificationChannel.Email,
        _ => null,
    };
}
