using SupportRelay.Providers;

namespace SupportRelay.Notifications;

/// <summary>
/// The one way out to a provider's destination: the channel must be configured by the operator, and the
/// destination proven (<see cref="DestinationStore"/>). Only <see cref="SendVerificationAsync"/>, which carries
/// the code that proves it, reaches a destination that is not.
/// </summary>
public sealed partial class NotificationDispatcher(IEnumerable<INotificationChannel> channels, DestinationStore destinations, ILogger<NotificationDispatcher> logger)
{
    private readonly Dictionary<NotificationChannel, INotificationChannel> _channels = channels.ToDictionary(c => c.Channel);

    public bool IsConfigured(NotificationChannel channel) => _channels.TryGetValue(channel, out var sender) && sender.IsConfigured;

    /// <summary>Sends to the provider's <paramref name="address"/> on <paramref name="channel"/>, once it is proven.</summary>
    public async Task<NotificationResult> SendAsync(string providerPubkey, NotificationChannel channel, string? address, NotificationContent content,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return NotificationResult.PermanentFailure($"No {channel.Name()} destination is configured.");
        }

        if (!await destinations.IsProvenAsync(providerPubkey, channel, address, cancellationToken))
        {
            return NotificationResult.PermanentFailure(channel == NotificationChannel.Telegram
                ? "The Telegram chat is not linked yet: press \"Link this chat\" in it, or open a link from POST /api/v1/providers/me/telegram-link."
                : $"The {channel.Name()} destination is not verified yet: confirm the code sent to it with POST /api/v1/providers/me/verify.");
        }

        return await SendCoreAsync(providerPubkey, channel, address, content, cancellationToken);
    }

    /// <summary>Sends a verification message (the code that proves the destination) to a destination not yet proven.</summary>
    public Task<NotificationResult> SendVerificationAsync(string providerPubkey, NotificationChannel channel, string address, NotificationContent content,
        CancellationToken cancellationToken) =>
        SendCoreAsync(providerPubkey, channel, address, content, cancellationToken);

    private async Task<NotificationResult> SendCoreAsync(string providerPubkey, NotificationChannel channel, string address, NotificationContent content,
        CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(channel, out var sender) || !sender.IsConfigured)
        {
            return NotificationResult.PermanentFailure($"The {channel.Name()} channel is not configured by the operator.");
        }

        var result = await sender.SendAsync(address, content, cancellationToken);
        var name = channel.Name();
        if (result.Accepted)
        {
            LogSent(name, providerPubkey);
        }
        else
        {
            LogNotSent(name, providerPubkey, result.Permanent, result.Error);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification sent by {Channel} to provider {Provider}")]
    private partial void LogSent(string channel, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification by {Channel} to provider {Provider} not sent (permanent: {Permanent}): {Error}")]
    private partial void LogNotSent(string channel, string provider, bool permanent, string? error);
}
