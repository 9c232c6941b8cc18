using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;

namespace SupportRelay.Storage;

/// <summary>One claimed row of the webhook inbox or the outbox.</summary>
public sealed record WorkItem(long Id, string Kind, string Payload, long Attempts, long Progress);

/// <summary>The two durable queues: stored webhooks to process, and deliveries to send.</summary>
public enum WorkTable
{
    Inbox,
    Outbox,
}

/// <summary>
/// Claims work with a lease so that each item is handled by one worker at a time, on one machine or
/// several. Items that share an ordering key (a conversation) are handed out one at a time, oldest
/// first, so replies reach the customer in order. A worker that dies loses its lease, and the item
/// is claimed again once the lease ends.
/// </summary>
public sealed class WorkQueue(SqlDialect dialect, TimeProvider time, IOptions<DatabaseOptions> options, ReplicaIdentity replica)
{
    public SqlDialect Dialect => dialect;

    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(WorkTable table, int batch, CancellationToken cancellationToken)
    {
        var (name, kind, progress) = Columns(table);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var sql = $"""
            UPDATE {name} SET locked_by = @owner, locked_until = @leaseEnd, attempts = attempts + 1
            WHERE id IN (
                SELECT t.id FROM {name} t
                WHERE t.state = 'pending' AND t.next_attempt_at <= @now
                  AND (t.locked_until IS NULL OR t.locked_until < @now)
                  AND (t.ordering_key IS NULL OR NOT EXISTS (
                      SELECT 1 FROM {name} p WHERE p.ordering_key = t.ordering_key AND p.state = 'pending' AND p.id < t.id))
                ORDER BY t.id
                LIMIT @batch{dialect.SkipLockedSuffix})
            RETURNING id, {kind}, payload, attempts, {progress}
            """;
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, new
        {
            owner = replica.Id,
            leaseEnd = now + (long)options.Value.LeaseDuration.TotalMilliseconds,
            now,
            batch,
        }, cancellationToken: cancellationToken));

        // Read by position: SQLite types a RETURNING expression by its value, so an empty result has no
        // column types for a mapper to match.
        var items = new List<WorkItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new WorkItem(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        items.Sort((a, b) => a.Id.CompareTo(b.Id));
        return items;
    }

    /// <summary>Marks the item done, inside the caller's transaction when it gives one.</summary>
    public Task CompleteAsync(WorkTable table, long id, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var (name, _, _) = Columns(table);
        var doneColumn = table == WorkTable.Inbox ? "processed_at" : "sent_at";
        var state = table == WorkTable.Inbox ? "done" : "sent";
        return connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {name} SET state = '{state}', {doneColumn} = @now, locked_by = NULL, locked_until = NULL, last_error = NULL WHERE id = @id",
            new { id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
    }

    public async Task CompleteAsync(WorkTable table, long id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await CompleteAsync(table, id, connection, null, cancellationToken);
    }

    /// <summary>
    /// Releases the item to be tried again at <paramref name="notBefore"/>; without <paramref name="countAttempt"/>
    /// the claim's attempt is given back (nothing was tried).
    /// </summary>
    public async Task RetryAsync(WorkTable table, long id, DateTimeOffset notBefore, string error, bool countAttempt, CancellationToken cancellationToken)
    {
        var (name, _, _) = Columns(table);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {name} SET next_attempt_at = @at, last_error = @error, locked_by = NULL, locked_until = NULL{(countAttempt ? "" : ", attempts = attempts - 1")} WHERE id = @id",
            new { id, at = notBefore.ToUnixTimeMilliseconds(), error = Truncate(error) }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Gives a claimed item back at once (this process is stopping). The attempt still counts: it may
    /// have reached the outside world, and the next attempt must check before acting again.
    /// </summary>
    public async Task ReleaseAsync(WorkTable table, long id, CancellationToken cancellationToken)
    {
        var (name, _, _) = Columns(table);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {name} SET locked_by = NULL, locked_until = NULL WHERE id = @id AND locked_by = @owner",
            new { id, owner = replica.Id }, cancellationToken: cancellationToken));
    }

    /// <summary>Gives up on the item for good, keeping why.</summary>
    public async Task FailAsync(WorkTable table, long id, string error, CancellationToken cancellationToken)
    {
        var (name, _, _) = Columns(table);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {name} SET state = 'failed', last_error = @error, locked_by = NULL, locked_until = NULL WHERE id = @id",
            new { id, error = Truncate(error) }, cancellationToken: cancellationToken));
    }

    /// <summary>Records that the first <paramref name="progress"/> steps of a multi-step delivery are done.</summary>
    public async Task SaveProgressAsync(long outboxId, long progress, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET progress = @progress WHERE id = @outboxId",
            new { outboxId, progress }, cancellationToken: cancellationToken));
    }

    /// <summary>Replaces an outbox row's payload with what its first attempt worked out (kept for the retries).</summary>
    public async Task SavePayloadAsync(long outboxId, string payload, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE outbox SET payload = @payload WHERE id = @outboxId",
            new { outboxId, payload }, cancellationToken: cancellationToken));
    }

    public async Task<long> CountPendingAsync(WorkTable table, CancellationToken cancellationToken)
    {
        var (name, _, _) = Columns(table);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM {name} WHERE state = 'pending'", cancellationToken: cancellationToken));
    }

    /// <summary>How many outbox items of <paramref name="kind"/> for <paramref name="orderingKey"/> were created since <paramref name="since"/>, whatever their state.</summary>
    public async Task<long> CountRecentAsync(string kind, string orderingKey, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM outbox WHERE kind = @kind AND ordering_key = @orderingKey AND created_at >= @since",
            new { kind, orderingKey, since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>How many items each queue holds, by state and kind.</summary>
    public async Task<IReadOnlyList<QueueCount>> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var counts = new List<QueueCount>();
        foreach (var table in Enum.GetValues<WorkTable>())
        {
            var (name, kind, _) = Columns(table);
            var rows = await connection.QueryAsync<(string State, string Kind, long Count)>(new CommandDefinition(
                $"SELECT state, {kind}, COUNT(*) FROM {name} GROUP BY state, {kind} ORDER BY state, {kind}", cancellationToken: cancellationToken));
            counts.AddRange(rows.Select(r => new QueueCount(table, r.State, r.Kind, r.Count)));
        }

        return counts;
    }

    /// <summary>The items that failed for good (kept for <c>Retention:FinishedWork</c>), newest first.</summary>
    public async Task<IReadOnlyList<FailedWork>> ListFailedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var failed = new List<FailedWork>();
        foreach (var table in Enum.GetValues<WorkTable>())
        {
            var (name, kind, _) = Columns(table);
            var created = table == WorkTable.Inbox ? "received_at" : "created_at";
            var rows = await connection.QueryAsync<(long Id, string Kind, long Attempts, string? LastError, long CreatedAt)>(new CommandDefinition(
                $"SELECT id, {kind}, attempts, last_error, {created} FROM {name} WHERE state = 'failed' ORDER BY id DESC LIMIT @limit",
                new { limit }, cancellationToken: cancellationToken));
            failed.AddRange(rows.Select(r => new FailedWork(table, r.Id, r.Kind, r.Attempts, r.LastError, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt))));
        }

        return [.. failed.OrderByDescending(f => f.CreatedAt).Take(limit)];
    }

    /// <summary>
    /// Puts failed items back in the queue, due now with their attempts counted afresh: those of
    /// <paramref name="ids"/>, or every failed one (of <paramref name="kind"/>, when given). A delivery
    /// keeps the steps it had done, and the checks that keep a retry from acting twice apply as always.
    /// Returns how many were put back.
    /// </summary>
    public async Task<int> RetryFailedAsync(WorkTable table, IReadOnlyCollection<long>? ids, string? kind, CancellationToken cancellationToken)
    {
        var (name, kindColumn, _) = Columns(table);
        var sql = $"""
            UPDATE {name} SET state = 'pending', attempts = 0, next_attempt_at = @now, locked_by = NULL, locked_until = NULL
            WHERE state = 'failed'{(kind is null ? "" : $" AND {kindColumn} = @kind")}{(ids is null ? "" : " AND id = @id")}
            """;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        if (ids is null)
        {
            return await connection.ExecuteAsync(new CommandDefinition(sql, new { now, kind }, cancellationToken: cancellationToken));
        }

        // One by one: an operator's handful, in SQL both databases read alike.
        var retried = 0;
        foreach (var id in ids.Distinct())
        {
            retried += await connection.ExecuteAsync(new CommandDefinition(sql, new { now, kind, id }, cancellationToken: cancellationToken));
        }

        return retried;
    }

    /// <summary>Adds a delivery unless one with the same key exists; true when it was added.</summary>
    public async Task<bool> EnqueueAsync(OutboxMessage message, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox (kind, dedup_key, ordering_key, payload, created_at, state, next_attempt_at)
            VALUES (@Kind, @DedupKey, @OrderingKey, @Payload, @now, 'pending', @due)
            ON CONFLICT (dedup_key) DO NOTHING
            """,
            new { message.Kind, message.DedupKey, message.OrderingKey, message.Payload, now, due = message.NotBefore?.ToUnixTimeMilliseconds() ?? now }, transaction,
            cancellationToken: cancellationToken));
        return inserted > 0;
    }

    private static (string Table, string Kind, string Progress) Columns(WorkTable table) => table switch
    {
        WorkTable.Inbox => ("webhook_inbox", "event_type", "0"),
        WorkTable.Outbox => ("outbox", "kind", "progress"),
        _ => throw new ArgumentOutOfRangeException(nameof(table)),
    };

    private static string Truncate(string error) => error.Length <= 2000 ? error : error[..2000];
}

/// <summary>How many items of one kind a queue holds in one state.</summary>
public sealed record QueueCount(WorkTable Queue, string State, string Kind, long Count);

/// <summary>An item that failed for good, as an operator reviews it before retrying it.</summary>
public sealed record FailedWork(WorkTable Queue, long Id, string Kind, long Attempts, string? LastError, DateTimeOffset CreatedAt);

/// <summary>A delivery to add to the outbox, due at once or at <see cref="NotBefore"/>; <see cref="DedupKey"/> makes adding it idempotent.</summary>
public sealed record OutboxMessage(string Kind, string DedupKey, string? OrderingKey, string Payload, DateTimeOffset? NotBefore = null);

/// <summary>This process's name in leases, so a replica can tell its claims from another's.</summary>
public sealed class ReplicaIdentity
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
