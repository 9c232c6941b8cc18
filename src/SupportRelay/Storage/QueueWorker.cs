using Microsoft.Extensions.Options;

namespace SupportRelay.Storage;

/// <summary>How a handler's work on one item ended.</summary>
public abstract record WorkOutcome
{
    public static readonly WorkOutcome Done = new DoneOutcome();

    public static WorkOutcome Retry(string error, TimeSpan? after = null) => new RetryOutcome(error, after);

    public static WorkOutcome Fail(string error) => new FailOutcome(error);

    /// <summary>Not tried at all (a circuit breaker is open): due again after <paramref name="after"/>, and the attempt does not count.</summary>
    public static WorkOutcome Postpone(string error, TimeSpan after) => new PostponeOutcome(error, after);

    public sealed record DoneOutcome : WorkOutcome;

    public sealed record RetryOutcome(string Error, TimeSpan? After) : WorkOutcome;

    public sealed record FailOutcome(string Error) : WorkOutcome;

    public sealed record PostponeOutcome(string Error, TimeSpan After) : WorkOutcome;
}

/// <summary>Settings shared by the inbox and outbox workers (section <c>Workers</c>).</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Workers";

    /// <summary>False runs a replica that only receives webhooks and leaves the processing to others.</summary>
    public bool Enabled { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 16;

    /// <summary>Items processed at once by each worker of this replica.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Attempts before an item is given up and marked failed.</summary>
    public int MaxAttempts { get; set; } = 12;

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The loop shared by the inbox and outbox workers: claim due items, hand each to the subclass,
/// then complete, retry with exponential backoff and jitter, or fail it. One bad item never stops
/// the loop.
/// </summary>
public abstract partial class QueueWorker(
    WorkTable table,
    WorkQueue queue,
    WorkSignal signal,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    ILogger logger) : BackgroundService
{
    protected abstract Task<WorkOutcome> ProcessAsync(WorkItem item, CancellationToken cancellationToken);

    /// <summary>Called when an item is given up for good; operators see it in logs and metrics.</summary>
    protected virtual void OnFailed(WorkItem item, string error)
    {
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        // Items run concurrently: one slow model call must not hold up every other conversation. A claim
        // never holds two items of one conversation, so their order is kept.
        var running = new HashSet<Task>();
        try
        {
            await RunLoopAsync(running, settings, stoppingToken);
        }
        finally
        {
            // Items in flight hand their claims back before the host disposes the database.
            await Task.WhenAll(running);
        }
    }

    private async Task RunLoopAsync(HashSet<Task> running, WorkerOptions settings, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveWhere(t => t.IsCompleted);
            var wanted = Math.Min(settings.Concurrency - running.Count, settings.BatchSize);
            var claimed = 0;
            if (wanted > 0)
            {
                try
                {
                    foreach (var item in await queue.ClaimAsync(table, wanted, stoppingToken))
                    {
                        running.Add(RunOneAsync(item, settings, stoppingToken));
                        claimed++;
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
                {
                    LogClaimFailed(logger, table, ex);
                    await Task.Delay(settings.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }
            }

            if (claimed < wanted || wanted <= 0)
            {
                // Woken by new work, by a finished item (its conversation's next item may be due), or by the poll.
                await signal.WaitAsync(table, settings.PollInterval, time, stoppingToken);
            }
        }
    }

    private async Task RunOneAsync(WorkItem item, WorkerOptions settings, CancellationToken stoppingToken)
    {
        // Off the claiming loop at once, so a handler that works synchronously for a while cannot stall it.
        await Task.Yield();
        try
        {
            await ProcessOneAsync(item, settings, stoppingToken);
        }
        finally
        {
            signal.Notify(table);
        }
    }

    private async Task ProcessOneAsync(WorkItem item, WorkerOptions settings, CancellationToken stoppingToken)
    {
        WorkOutcome outcome;
        try
        {
            outcome = await ProcessAsync(item, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: hand the item back now rather than when its lease runs out, so another
            // replica (or this one after the restart) takes it at once. A crash leaves the lease to expire.
            await ReleaseAsync(item);
            return;
        }
        catch (Exception ex)
        {
            // A handler's unexpected failure must not stop the worker; the item is retried with backoff.
            LogItemFailed(logger, table, item.Id, item.Kind, ex);
            outcome = WorkOutcome.Retry(ex.GetType().Name + ": " + ex.Message);
        }

        // The outcome is recorded even while stopping: work that reached the outside world and is not
        // marked done would be done again after the restart.
        using var recording = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var token = recording.Token;
        try
        {
            switch (outcome)
            {
                case WorkOutcome.DoneOutcome:
                    await queue.CompleteAsync(table, item.Id, token);
                    break;
                case WorkOutcome.PostponeOutcome postpone:
                    await queue.RetryAsync(table, item.Id, time.GetUtcNow() + postpone.After, postpone.Error, countAttempt: false, token);
                    break;
                case WorkOutcome.RetryOutcome retry when item.Attempts < settings.MaxAttempts:
                    var delay = retry.After ?? Backoff(item.Attempts, settings);
                    await queue.RetryAsync(table, item.Id, time.GetUtcNow() + delay, retry.Error, countAttempt: true, token);
                    break;
                case WorkOutcome.RetryOutcome retry:
                    LogGaveUp(logger, table, item.Id, item.Kind, item.Attempts, retry.Error);
                    await queue.FailAsync(table, item.Id, $"gave up after {item.Attempts} attempts: {retry.Error}", token);
                    OnFailed(item, retry.Error);
                    break;
                case WorkOutcome.FailOutcome fail:
                    LogGaveUp(logger, table, item.Id, item.Kind, item.Attempts, fail.Error);
                    await queue.FailAsync(table, item.Id, fail.Error, token);
                    OnFailed(item, fail.Error);
                    break;
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException)
        {
            // The lease will expire and the item will be claimed again.
            LogClaimFailed(logger, table, ex);
        }
    }

    private async Task ReleaseAsync(WorkItem item)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await queue.ReleaseAsync(table, item.Id, timeout.Token);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException)
        {
            // The lease expires on its own.
        }
    }

    /// <summary>Exponential backoff with ±20% jitter, so retries of many items do not arrive together.</summary>
    public static TimeSpan Backoff(long attempts, WorkerOptions settings)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 20);
        var baseDelay = Math.Min(settings.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent), settings.MaxBackoff.TotalMilliseconds);
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(baseDelay * jitter);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not claim work from {Table}")]
    private static partial void LogClaimFailed(ILogger logger, WorkTable table, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Table} item {Id} ({Kind}) failed; it will be retried")]
    private static partial void LogItemFailed(ILogger logger, WorkTable table, long id, string kind, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Table} item {Id} ({Kind}) failed for good after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, WorkTable table, long id, string kind, long attempts, string error);
}
