using Microsoft.Extensions.Options;
using SupportRelay.Operations;
using SupportRelay.Storage;

namespace SupportRelay.Inbox;

/// <summary>Handles one kind of stored webhook event (its <c>event_type</c>, e.g. <c>chatwoot.message_created</c>).</summary>
public interface IInboxHandler
{
    bool Handles(string eventType);

    Task<WorkOutcome> HandleAsync(WorkItem item, CancellationToken cancellationToken);
}

/// <summary>
/// Processes stored webhooks in the background, each by the handler of its event type. Events with
/// no handler are marked done. Events stored before a restart are picked up after it.
/// </summary>
public sealed partial class InboxWorker(
    IEnumerable<IInboxHandler> handlers,
    WorkQueue queue,
    WorkSignal signal,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    SupportRelayMetrics metrics,
    ILogger<InboxWorker> logger)
    : QueueWorker(WorkTable.Inbox, queue, signal, time, options, logger)
{
    private readonly IInboxHandler[] _handlers = handlers.ToArray();

    protected override Task<WorkOutcome> ProcessAsync(WorkItem item, CancellationToken cancellationToken)
    {
        var handler = Array.Find(_handlers, h => h.Handles(item.Kind));
        return handler is null ? Task.FromResult(WorkOutcome.Done) : handler.HandleAsync(item, cancellationToken);
    }

    protected override void OnFailed(WorkItem item, string error) => metrics.DeliveryFailed("inbox:" + item.Kind);
}
