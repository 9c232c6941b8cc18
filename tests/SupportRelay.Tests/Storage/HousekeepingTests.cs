using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Storage;

public abstract class HousekeepingTests(DatabaseKind database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Finished_work_and_old_history_are_deleted_and_pending_work_is_kept()
    {
        await using var app = new AppFactory(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" }, database: database);
        var dialect = app.Services.GetRequiredService<SqlDialect>();
        var now = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var old = now.AddDays(-8).ToUnixTimeMilliseconds();
        var recent = now.AddHours(-1).ToUnixTimeMilliseconds();
        await using (var connection = await dialect.OpenAsync(Ct))
        {
            foreach (var (key, state, at) in new[] { ("old-done", "done", old), ("old-pending", "pending", old), ("new-done", "done", recent) })
            {
                await connection.ExecuteAsync(
                    "INSERT INTO webhook_inbox (source, event_key, event_type, payload, received_at, state, next_attempt_at) VALUES ('t', @key, 'x', '{}', @at, @state, @at)",
                    new { key, state, at });
                await connection.ExecuteAsync(
                    "INSERT INTO outbox (kind, dedup_key, payload, created_at, state, next_attempt_at) VALUES ('x', @key, '{}', @at, @state, @at)",
                    new { key, state = state == "done" ? "sent" : state, at });
            }

            await connection.ExecuteAsync(
                "INSERT INTO conversation_messages (account_id, conversation_id, message_id, role, content, created_at) VALUES (1, 1, 1, 'customer', 'old words', @a), (1, 1, 2, 'customer', 'new words', @b)",
                new { a = now.AddDays(-31).ToUnixTimeMilliseconds(), b = recent });
        }

        var housekeeping = new Housekeeping(dialect, new FakeTimeProvider(now), app.Services.GetRequiredService<IOptionsMonitor<RetentionOptions>>(), NullLogger<Housekeeping>.Instance);
        var deleted = await housekeeping.RunOnceAsync(Ct);

        await using var check = await dialect.OpenAsync(Ct);
        Assert.Equal(3, deleted);
        Assert.Equal(["new-done", "old-pending"], (await check.QueryAsync<string>("SELECT event_key FROM webhook_inbox ORDER BY event_key")).ToList());
        Assert.Equal(["new-done", "old-pending"], (await check.QueryAsync<string>("SELECT dedup_key FROM outbox ORDER BY dedup_key")).ToList());
        Assert.Equal(["new words"], (await check.QueryAsync<string>("SELECT content FROM conversation_messages")).ToList());
        Assert.Equal(0, await housekeeping.RunOnceAsync(Ct));
    }
}

public sealed class HousekeepingTestsOnSqlite() : HousekeepingTests(DatabaseKind.Sqlite);

public sealed class HousekeepingTestsOnPostgres() : HousekeepingTests(DatabaseKind.Postgres);
