namespace SupportRelay.Providers;

/// <summary>A provider's stored notification settings.</summary>
public sealed record NotificationConfig(
    string ProviderPubkey,
    string? ChatwootPortalSlug,
    NotificationChannel NotifyVia,
    long? TelegramChatId,
    string? NotifyPhone,
    string? NotifyEmail,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The address the config gives for <paramref name="channel"/>, or null.</summary>
    public string? AddressFor(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Telegram => TelegramChatId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        NotificationChannel.Sms => NotifyPhone,
        NotificationChannel.Email => NotifyEmail,
        _ => null,
    };

    /// <summary>Every destination the config names, each once.</summary>
    public IEnumerable<(NotificationChannel Channel, string Address)> Destinations() =>
        Enum.GetValues<NotificationChannel>().Select(c => (Channel: c, Address: AddressFor(c))).Where(d => d.Address is not null)!;
}
