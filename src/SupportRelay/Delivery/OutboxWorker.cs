using Microsoft.Extensions.Options;
using SupportRelay.Operations;
using SupportRelay.Storage;

namespace SupportRelay.Delivery;

/// <summary>Sends one kind of outbox item (its <c>kind</c>, e.g. <c>chatwoot.message</c>).</summary>
public interface IDeliveryHandler
{
    string Kind { get; }

    Task<WorkOutcome> DeliverAsync(WorkItem item, CancellationToken cancellationToken);
}

/// <summary>
/// A delivery handler whose row holds a JSON job of type <typeparamref name="TJob"/>: an unreadable
/// row fails for good (retrying cannot mend it) instead of reaching the handler.
/// </summary>
public abstract class DeliveryHandler<TJob>(Func<string, TJob> read) : IDeliveryHandler
{
    public abstract string Kind { get; }

    public Task<WorkOutcome> DeliverAsync(WorkItem item, CancellationToken cancellationToken)
    {
        TJob job;
        try
        {
            job = read(item.Payload);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Task.FromResult(WorkOutcome.Fail("Unreadable job: " + ex.Message));
        }

        return DeliverAsync(item, job, cancellationToken);
    }

    protected abstract Task<WorkOutcome> DeliverAsync(WorkItem item, TJob job, CancellationToken cancellationToken);
}

/// <summary>
/// Sends the outbox: every reply, handoff and notification is a row that survives a restart, is
/// retried with backoff, and is sent once.
/// </summary>
public sealed partial class OutboxWorker(
    IEnumerable<IDeliveryHandler> handlers,
    WorkQueue queue,
    WorkSignal signal,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    SupportRelayMetrics metrics,
    ILogger<OutboxWorker> logger)
    : QueueWorker(WorkTable.Outbox, queue, signal, time, options, logger)
{
    private readonly Dictionary<string, IDeliveryHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    protected override Task<WorkOutcome> ProcessAsync(WorkItem item, CancellationToken cancellationToken) =>
        _handlers.TryGetValue(item.Kind, out var handler)
            ? handler.DeliverAsync(item, cancellationToken)
            : Task.FromResult(WorkOutcome.Fail($"No handler for outbox kind '{item.Kind}'."));

    protected override void OnFailed(WorkItem item, string error) => metrics.DeliveryFailed(item.Kind);
}

/// <summary>Keeps the queue-depth gauge current.</summary>
public sealed class QueueDepthSampler(WorkQueue queue, SupportRelayMetrics metrics, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), time);
        try
        {
            do
            {
                try
                {
                    metrics.QueueDepth(
                        await queue.CountPendingAsync(WorkTable.Inbox, stoppingToken),
                        await queue.CountPendingAsync(WorkTable.Outbox, stoppingToken));
                }
                catch (System.Data.Common.DbException)
                {
                    // The next tick tries again; readiness reports the database itself.
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
