using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Storage;

/// <summary>Claims, leases, ordering and retries of the durable queues, on each dialect.</summary>
public abstract class WorkQueueTests(DatabaseKind database) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private AppFactory _app = null!;
    private SqlDialect _dialect = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _app = new AppFactory(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" }, database: database);
        _dialect = _app.Services.GetRequiredService<SqlDialect>();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private WorkQueue Replica(TimeSpan? lease = null) => new(_dialect, _time,
        Options.Create(new DatabaseOptions { LeaseDuration = lease ?? TimeSpan.FromSeconds(30) }), new ReplicaIdentity());

    private async Task EnqueueAsync(string key, string? ordering = null)
    {
        await using var connection = await _dialect.OpenAsync(Ct);
        await Replica().EnqueueAsync(new OutboxMessage("test", key, ordering, "{}"), connection, null, Ct);
    }

    [Fact]
    public async Task An_item_is_claimed_by_one_replica_until_its_lease_ends()
    {
        await EnqueueAsync("a");
        var first = Replica();
        var second = Replica();

        var claimed = await first.ClaimAsync(WorkTable.Outbox, 10, Ct);
        var meanwhile = await second.ClaimAsync(WorkTable.Outbox, 10, Ct);
        _time.Advance(TimeSpan.FromSeconds(31));
        var afterLease = await second.ClaimAsync(WorkTable.Outbox, 10, Ct);

        Assert.Single(claimed);
        Assert.Empty(meanwhile);
        Assert.Equal(claimed[0].Id, Assert.Single(afterLease).Id);
        Assert.Equal(2, afterLease[0].Attempts);
    }

    [Fact]
    public async Task A_postponed_item_gets_its_attempt_back()
    {
        await EnqueueAsync("breaker");
        var queue = Replica();
        var claimed = (await queue.ClaimAsync(WorkTable.Outbox, 10, Ct)).Single();

        // The circuit breaker was open: nothing was tried.
        await queue.RetryAsync(WorkTable.Outbox, claimed.Id, _time.GetUtcNow().AddSeconds(10), "circuit open", countAttempt: false, Ct);
        _time.Advance(TimeSpan.FromSeconds(11));
        var again = (await queue.ClaimAsync(WorkTable.Outbox, 10, Ct)).Single();

        Assert.Equal(1, claimed.Attempts);
        Assert.Equal(1, again.Attempts);
    }

    [Theory]
    [InlineData(WorkTable.Inbox)]
    [InlineData(WorkTable.Outbox)]
    public async Task An_empty_queue_claims_nothing(WorkTable table) =>
        Assert.Empty(await Replica().ClaimAsync(table, 10, Ct));

    [Fact]
    public async Task Enqueueing_the_same_key_twice_keeps_one_item()
    {
        await EnqueueAsync("same");
        await EnqueueAsync("same");

        Assert.Single(await Replica().ClaimAsync(WorkTable.Outbox, 10, Ct));
    }

    [Fact]
    public async Task Items_of_one_conversation_go_out_one_at_a_time_in_order()
    {
        await EnqueueAsync("1", "conversation-1");
        await EnqueueAsync("2", "conversation-1");
        await EnqueueAsync("3", "conversation-2");
        var queue = Replica();

        var first = await queue.ClaimAsync(WorkTable.Outbox, 10, Ct);
        Assert.Equal(2, first.Count);
        await queue.RetryAsync(WorkTable.Outbox, first[0].Id, _time.GetUtcNow().AddSeconds(10), "later", countAttempt: true, Ct);
        // The first of conversation-1 waits for its retry, so the second may not overtake it.
        Assert.Empty(await queue.ClaimAsync(WorkTable.Outbox, 10, Ct));

        _time.Advance(TimeSpan.FromSeconds(11));
        var retried = Assert.Single(await queue.ClaimAsync(WorkTable.Outbox, 10, Ct));
        Assert.Equal(first[0].Id, retried.Id);
        await queue.CompleteAsync(WorkTable.Outbox, retried.Id, Ct);
        Assert.Single(await queue.ClaimAsync(WorkTable.Outbox, 10, Ct));
    }

    [Fact]
    public async Task A_failed_item_is_never_claimed_again_and_keeps_its_reason()
    {
        await EnqueueAsync("f");
        var queue = Replica();
        var item = Assert.Single(await queue.ClaimAsync(WorkTable.Outbox, 10, Ct));

        await queue.FailAsync(WorkTable.Outbox, item.Id, "permanent: chat not found", Ct);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Empty(await queue.ClaimAsync(WorkTable.Outbox, 10, Ct));
        await using var connection = await _dialect.OpenAsync(Ct);
        Assert.Equal("permanent: chat not found", await connection.ExecuteScalarAsync<string>("SELECT last_error FROM outbox"));
    }

    [Fact]
    public async Task A_released_item_is_claimable_at_once()
    {
        await EnqueueAsync("r");
        var stopping = Replica();
        var item = Assert.Single(await stopping.ClaimAsync(WorkTable.Outbox, 10, Ct));

        await stopping.ReleaseAsync(WorkTable.Outbox, item.Id, Ct);

        Assert.Single(await Replica().ClaimAsync(WorkTable.Outbox, 10, Ct));
    }

    [Fact]
    public async Task Concurrent_claims_never_hand_out_an_item_twice()
    {
        for (var i = 0; i < 200; i++)
        {
            await EnqueueAsync($"c{i}");
        }

        var replicas = Enumerable.Range(0, 4).Select(_ => Replica()).ToList();
        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(replicas.Select(async queue =>
        {
            while (true)
            {
                var items = await queue.ClaimAsync(WorkTable.Outbox, 7, Ct);
                if (items.Count == 0)
                {
                    return;
                }

                foreach (var item in items)
                {
                    claimed.Add(item.Id);
                    await queue.CompleteAsync(WorkTable.Outbox, item.Id, Ct);
                }
            }
        }));

        Assert.Equal(200, claimed.Count);
        Assert.Equal(200, claimed.Distinct().Count());
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_a_cap()
    {
        var settings = new WorkerOptions { InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromMinutes(10) };

        var first = QueueWorker.Backoff(1, settings);
        var fourth = QueueWorker.Backoff(4, settings);
        var late = QueueWorker.Backoff(40, settings);

        Assert.InRange(first.TotalSeconds, 1.6, 2.4);
        Assert.InRange(fourth.TotalSeconds, 12.8, 19.2);
        Assert.InRange(late.TotalMinutes, 8, 12);
    }

    private async Task<long> FailAsync(WorkQueue queue, string key, string kind = "test")
    {
        await using (var connection = await _dialect.OpenAsync(Ct))
        {
            await queue.EnqueueAsync(new OutboxMessage(kind, key, null, "{}"), connection, null, Ct);
        }

        var item = (await queue.ClaimAsync(WorkTable.Outbox, 10, Ct)).Single();
        await queue.FailAsync(WorkTable.Outbox, item.Id, $"gave up on {key}", Ct);
        return item.Id;
    }

    [Fact]
    public async Task Failed_items_are_listed_newest_first_with_their_reason_and_counted_by_state_and_kind()
    {
        var queue = Replica();
        await FailAsync(queue, "a", "chatwoot.message");
        _time.Advance(TimeSpan.FromSeconds(1));
        var newest = await FailAsync(queue, "b", "notification.handoff");
        await EnqueueAsync("c");

        var failed = await queue.ListFailedAsync(10, Ct);
        var counts = await queue.CountAsync(Ct);

        Assert.Equal([newest, newest - 1], failed.Select(f => f.Id));
        Assert.Equal(("notification.handoff", "gave up on b", 1L), (failed[0].Kind, failed[0].LastError, failed[0].Attempts));
        Assert.Equal(WorkTable.Outbox, failed[0].Queue);
        Assert.Contains(new QueueCount(WorkTable.Outbox, "failed", "chatwoot.message", 1), counts);
        Assert.Contains(new QueueCount(WorkTable.Outbox, "pending", "test", 1), counts);
        Assert.Single(await queue.ListFailedAsync(1, Ct));
    }

    [Fact]
    public async Task A_retried_item_is_due_at_once_with_its_attempts_afresh_and_only_failed_items_move()
    {
        var queue = Replica();
        var failed = await FailAsync(queue, "a");
        await EnqueueAsync("pending");

        var retried = await queue.RetryFailedAsync(WorkTable.Outbox, [failed, failed + 1, 999], null, Ct);
        var claimed = await queue.ClaimAsync(WorkTable.Outbox, 10, Ct);

        Assert.Equal(1, retried);
        var again = Assert.Single(claimed, c => c.Id == failed);
        Assert.Equal(1, again.Attempts);
        Assert.Equal(0, await queue.RetryFailedAsync(WorkTable.Outbox, [failed], null, Ct));
        Assert.Equal(0, await queue.RetryFailedAsync(WorkTable.Outbox, [], null, Ct));
    }

    [Fact]
    public async Task Retrying_all_can_keep_to_one_kind()
    {
        var queue = Replica();
        await FailAsync(queue, "a", "chatwoot.message");
        await FailAsync(queue, "b", "notification.handoff");
        await FailAsync(queue, "c", "notification.handoff");

        Assert.Equal(2, await queue.RetryFailedAsync(WorkTable.Outbox, null, "notification.handoff", Ct));
        Assert.Equal(0, await queue.RetryFailedAsync(WorkTable.Inbox, null, null, Ct));
        Assert.Equal(1, await queue.RetryFailedAsync(WorkTable.Outbox, null, null, Ct));
        Assert.Empty(await queue.ListFailedAsync(10, Ct));
    }
}

public sealed class WorkQueueTestsOnSqlite() : WorkQueueTests(DatabaseKind.Sqlite);

public sealed class WorkQueueTestsOnPostgres() : WorkQueueTests(DatabaseKind.Postgres);
