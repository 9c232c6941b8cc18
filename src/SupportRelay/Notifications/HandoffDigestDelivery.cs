using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Delivery;
using SupportRelay.Operations;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>
/// Sends <c>notification.digest</c> rows: at the end of an hour in which a provider reached the hourly cap,
/// one message listing every handoff held back, each with its link.
/// </summary>
public sealed class HandoffDigestDelivery(
    ProviderStore providers,
    NotificationDispatcher dispatcher,
    MessageLog log,
    IOptionsMonitor<ChatwootOptions> chatwoot,
    IOptionsMonitor<NotificationsOptions> notifications,
    SupportRelayMetrics metrics) : DeliveryHandler<HandoffDigestJob>(HandoffDigestJob.FromJson)
{
    private const int MaxListed = 50;

    public override string Kind => HandoffDigestJob.Kind;

    protected override async Task<WorkOutcome> DeliverAsync(WorkItem item, HandoffDigestJob job, CancellationToken cancellationToken)
    {
        var config = await providers.GetConfigAsync(job.ProviderPubkey, cancellationToken);
        if (config is null)
        {
            return WorkOutcome.Fail("The provider has no notification config.");
        }

        var held = await log.DeferredAsync(job.ProviderPubkey, DateTimeOffset.FromUnixTimeMilliseconds(job.WindowStart),
            DateTimeOffset.FromUnixTimeMilliseconds(job.WindowEnd), cancellationToken);
        if (held.Count == 0)
        {
            return WorkOutcome.Done;
        }

        var conversations = held.DistinctBy(h => (h.AccountId, h.ConversationId)).ToList();
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"{conversations.Count} more conversations were handed to a person in the last hour. You had {notifications.CurrentValue.MaxHandoffsPerProviderPerHour} notifications already, so these come together:"));
        foreach (var handoff in conversations.Take(MaxListed))
        {
            var link = HandoffNotificationDelivery.DashboardLink(chatwoot.CurrentValue, handoff.AccountId, handoff.ConversationId);
            text.Append(CultureInfo.InvariantCulture, $"\n- #{handoff.ConversationId}{(link is null ? "" : " " + link)}");
        }

        if (conversations.Count > MaxListed)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n… and {conversations.Count - MaxListed} more; see the open conversations in Chatwoot.");
        }

        var channel = config.NotifyVia;
        var address = config.AddressFor(channel);
        var result = await dispatcher.SendAsync(config.ProviderPubkey, channel, address,
            new NotificationContent($"{conversations.Count} conversations need a person", text.ToString()), cancellationToken);
        if (result.Accepted)
        {
            await log.RecordAsync(config.ProviderPubkey, MessageLog.Handoff, channel, address!, null, null, cancellationToken);
            metrics.Notification(channel.Name(), "digest");
            return WorkOutcome.Done;
        }

        return result.Permanent ? WorkOutcome.Fail($"{channel.Name()}: {result.Error}") : WorkOutcome.Retry($"{channel.Name()}: {result.Error}", result.RetryAfter);
    }
}
