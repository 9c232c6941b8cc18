using SupportRelay.Notifications;

namespace SupportRelay.Providers;

/// <summary>A provider's notification config as the API answers it, with where proving each destination stands.</summary>
public sealed record NotificationConfigResponse(
    string ProviderPubkey,
    string? ChatwootPortalSlug,
    string NotifyVia,
    long? TelegramChatId,
    string? NotifyPhone,
    string? NotifyEmail,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<DestinationResponse> Destinations)
{
    public static NotificationConfigResponse From(NotificationConfig config, IReadOnlyList<DestinationStatus> destinations) => new(
        config.ProviderPubkey, config.ChatwootPortalSlug, config.NotifyVia.Name(),
        config.TelegramChatId, config.NotifyPhone, config.NotifyEmail, config.UpdatedAt,
        [.. destinations.Select(DestinationResponse.From)]);
}
