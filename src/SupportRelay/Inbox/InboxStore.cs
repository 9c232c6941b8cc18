using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Storage;

namespace SupportRelay.Inbox;

/// <summary>The database did not store the webhook within <c>Database:IntakeTimeout</c>, or failed: the sender must retry.</summary>
public sealed class IntakeUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Stores each received webhook once, keyed by its source and event key, within the intake deadline.</summary>
public sealed class InboxStore(SqlDialect dialect, TimeProvider time, WorkSignal signal, IOptionsMonitor<DatabaseOptions> options)
{
    /// <summary>
    /// Stores an event of our own, due at <paramref name="due"/>, inside the caller's transaction; stored once per
    /// <paramref name="eventKey"/> (false when it was).
    /// </summary>
    public async Task<bool> ScheduleAsync(string source, string eventKey, string eventType, string? orderingKey, string payload, DateTimeOffset due,
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_inbox (source, event_key, event_type, ordering_key, payload, received_at, state, next_attempt_at)
            VALUES (@source, @eventKey, @eventType, @orderingKey, @payload, @now, 'pending', @due)
            ON CONFLICT (source, event_key) DO NOTHING
            """,
            new { source, eventKey, eventType, orderingKey, payload, now = time.GetUtcNow().ToUnixTimeMilliseconds(), due = due.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)) > 0;

    /// <summary>
    /// Stores the event; false when the same event was stored before (a redelivery), or, with a
    /// <paramref name="signature"/>, when an event of that signature was accepted before <paramref name="signatureExpiresAt"/>
    /// (a replay under another delivery id). Both in one transaction, within the intake deadline.
    /// </summary>
    /// <exception cref="IntakeUnavailableException">The database did not answer in time or failed.</exception>
    public async Task<bool> StoreAsync(string source, string eventKey, string eventType, string? orderingKey, string payload, CancellationToken cancellationToken,
        string? signature = null, DateTimeOffset? signatureExpiresAt = null)
    {
        var deadline = options.CurrentValue.IntakeTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        int inserted;
        try
        {
            await using var connection = await dialect.OpenAsync(deadline, timeout.Token);
            await using var transaction = await connection.BeginTransactionAsync(timeout.Token);
            if (signature is not null && await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO webhook_signatures (signature, expires_at) VALUES (@signature, @expiresAt)
                    ON CONFLICT (signature) DO UPDATE SET expires_at = excluded.expires_at WHERE webhook_signatures.expires_at < @now
                    """,
                    new { signature, expiresAt = (signatureExpiresAt ?? time.GetUtcNow()).ToUnixTimeMilliseconds(), now }, transaction, cancellationToken: timeout.Token)) == 0)
            {
                return false;
            }

            inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO webhook_inbox (source, event_key, event_type, ordering_key, payload, received_at, state, next_attempt_at)
                VALUES (@source, @eventKey, @eventType, @orderingKey, @payload, @now, 'pending', @now)
                ON CONFLICT (source, event_key) DO NOTHING
                """,
                new { source, eventKey, eventType, orderingKey, payload, now }, transaction, cancellationToken: timeout.Token));
            await transaction.CommitAsync(timeout.Token);
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
