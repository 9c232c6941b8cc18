using SupportRelay.Providers;

namespace SupportRelay.Notifications;

/// <summary>Sends a notification on the channel the provider's config names; an unconfigured channel is a permanent failure.</summary>
public sealed partial class NotificationDispatcher(IEnumerable<INotificationChannel> channels, ILogger<NotificationDispatcher> logger) : INotificationSender
{
    private readonly Dictionary<NotificationChannel, INotificationChannel> _channels = channels.ToDictionary(c => c.Channel);

    public Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken ct) =>
        SendAsync(config, config.NotifyVia, content, ct);

    /// <summary>Sends on <paramref name="channel"/>, which may differ from the config's (the email fallback).</summary>
    public async Task<NotificationResult> SendAsync(NotificationConfig config, NotificationChannel channel, NotificationContent content, CancellationToken ct)
    {
        if (!_channels.TryGetValue(channel, out var sender) || !sender.IsConfigured)
        {
            return NotificationResult.PermanentFailure($"The {ProviderStore.ChannelName(channel)} channel is not configured by the operator.");
        }

        var result = await sender.SendAsync(config, content, ct);
        var name = ProviderStore.ChannelName(channel);
        if (result.Accepted)
        {
            LogSent(name, config.ProviderPubkey);
        }
        else
        {
            LogNotSent(name, config.ProviderPubkey, result.Permanent, result.Error);
        }

        return result;
    }

    public bool IsConfigured(NotificationChannel channel) => _channels.TryGetValue(channel, out var sender) && sender.IsConfigured;

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification sent by {Channel} to provider {Provider}")]
    private partial void LogSent(string channel, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification by {Channel} to provider {Provider} not sent (permanent: {Permanent}): {Error}")]
    private partial void LogNotSent(string channel, string provider, bool permanent, string? error);
}
