using Dapper;
using SupportRelay.Storage;

namespace SupportRelay.Inbox;

/// <summary>Stores each received webhook once, keyed by its source and event key.</summary>
public sealed class InboxStore(SqlDialect dialect, TimeProvider time, WorkSignal signal)
{
    /// <summary>Stores the event; false when the same event was stored before (a redelivery).</summary>
    public async Task<bool> StoreAsync(string source, string eventKey, string eventType, string? orderingKey, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_inbox (source, event_key, event_type, ordering_key, payload, received_at, state, next_attempt_at)
            VALUES (@source, @eventKey, @eventType, @orderingKey, @payload, @now, 'pending', @now)
            ON CONFLICT (source, event_key) DO NOTHING
            """,
            new { source, eventKey, eventType, orderingKey, payload, now }, cancellationToken: cancellationToken));
        if (inserted > 0)
        {
            signal.Notify(WorkTable.Inbox);
        }

        return inserted > 0;
    }
}
