using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Storage;

namespace SupportRelay.Inbox;

/// <summary>The database did not store the webhook within <c>Database:IntakeTimeout</c>, or failed: the sender must retry.</summary>
public sealed class IntakeUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Stores each received webhook once, keyed by its source and event key, within the intake deadline.</summary>
public sealed class InboxStore(SqlDialect dialect, TimeProvider time, WorkSignal signal, IOptionsMonitor<DatabaseOptions> options)
{
    /// <summary>Stores the event; false when the same event was stored before (a redelivery).</summary>
    /// <exception cref="IntakeUnavailableException">The database did not answer in time or failed.</exception>
    public async Task<bool> StoreAsync(string source, string eventKey, string eventType, string? orderingKey, string payload, CancellationToken cancellationToken)
    {
        var deadline = options.CurrentValue.IntakeTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        int inserted;
        try
        {
            await using var connection = await dialect.OpenAsync(deadline, timeout.Token);
            inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO webhook_inbox (source, event_key, event_type, ordering_key, payload, received_at, state, next_attempt_at)
                VALUES (@source, @eventKey, @eventType, @orderingKey, @payload, @now, 'pending', @now)
                ON CONFLICT (source, event_key) DO NOTHING
                """,
                new { source, eventKey, eventType, orderingKey, payload, now },
                commandTimeout: Math.Max(1, (int)Math.Ceiling(deadline.TotalSeconds)), cancellationToken: timeout.Token));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or OperationCanceledException or InvalidOperationException or TimeoutException
                                   && !cancellationToken.IsCancellationRequested)
        {
            throw new IntakeUnavailableException($"The webhook could not be stored within {deadline.TotalSeconds:0.#} s ({ex.GetType().Name}).", ex);
        }

        if (inserted > 0)
        {
            signal.Notify(WorkTable.Inbox);
        }

        return inserted > 0;
    }
}
