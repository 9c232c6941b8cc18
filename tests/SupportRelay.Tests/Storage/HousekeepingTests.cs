using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SupportRelay.Notifications;
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

    [Fact]
    public async Task Old_telegram_links_and_long_closed_episodes_are_deleted_and_open_episodes_are_kept()
    {
        await using var app = new AppFactory(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" }, database: database);
        var dialect = app.Services.GetRequiredService<SqlDialect>();
        var now = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        long Ago(int days) => now.AddDays(-days).ToUnixTimeMilliseconds();
        await using (var connection = await dialect.OpenAsync(Ct))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO telegram_message_links (chat_id, message_id, account_id, conversation_id, provider_pubkey, created_at)
                VALUES (1, 10, 7, 41, 'p', @old), (1, 11, 7, 42, 'p', @recent)
                """,
                new { old = Ago(91), recent = Ago(89) });
            await connection.ExecuteAsync(
                """
                INSERT INTO conversation_episodes (account_id, conversation_id, episode, notified, status, updated_at)
                VALUES (7, 41, 2, 0, 'resolved', @old), (7, 42, 1, 1, 'open', @old), (7, 43, 3, 0, 'pending', @recent)
                """,
                new { old = Ago(181), recent = Ago(179) });
        }

        var housekeeping = new Housekeeping(dialect, new FakeTimeProvider(now), app.Services.GetRequiredService<IOptionsMonitor<RetentionOptions>>(), NullLogger<Housekeeping>.Instance);
        var deleted = await housekeeping.RunOnceAsync(Ct);

        await using var check = await dialect.OpenAsync(Ct);
        Assert.Equal(2, deleted);
        Assert.Equal([11L], (await check.QueryAsync<long>("SELECT message_id FROM telegram_message_links")).ToList());
        // An open episode is what keeps the webhook after our own handoff quiet: never deleted, however old.
        Assert.Equal([42L, 43L], (await check.QueryAsync<long>("SELECT conversation_id FROM conversation_episodes ORDER BY conversation_id")).ToList());
    }

    [Fact]
    public async Task A_conversation_whose_closed_episode_was_forgotten_notifies_again_under_a_new_key()
    {
        await using var app = new AppFactory(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" }, database: database);
        var dialect = app.Services.GetRequiredService<SqlDialect>();
        var notifier = app.Services.GetRequiredService<HandoffNotifier>();
        var notice = new HandoffNotice(7, 42, "provider", null, "status_changed", "webhook");
        async Task<bool> HandOff()
        {
            await using var connection = await dialect.OpenAsync(Ct);
            await using var transaction = await connection.BeginTransactionAsync(Ct);
            var enqueued = await notifier.HandOffAsync(notice, connection, transaction, Ct);
            await transaction.CommitAsync(Ct);
            return enqueued;
        }

        Assert.True(await HandOff());
        await using (var connection = await dialect.OpenAsync(Ct))
        await using (var transaction = await connection.BeginTransactionAsync(Ct))
        {
            await notifier.LeftOpenAsync(7, 42, "resolved", handedBack: true, connection, transaction, Ct);
            await transaction.CommitAsync(Ct);
        }

        // Housekeeping forgot the closed episode while its notification is still in the outbox.
        await using (var connection = await dialect.OpenAsync(Ct))
        {
            await connection.ExecuteAsync("DELETE FROM conversation_episodes");
        }

        Assert.True(await HandOff());
        await using var check = await dialect.OpenAsync(Ct);
        Assert.Equal(["notify:7:42:1", "notify:7:42:2"], (await check.QueryAsync<string>("SELECT dedup_key FROM outbox ORDER BY id")).ToList());
        Assert.Equal(["webhook:7:42:episode-1", "webhook:7:42:episode-2"], (await check.QueryAsync<string>("SELECT dedup_key FROM handoffs ORDER BY id")).ToList());
    }

    [Fact]
    public void Closed_episodes_must_outlive_telegram_links()
    {
        var options = new RetentionOptions { TelegramLinks = TimeSpan.FromDays(90), ClosedEpisodes = TimeSpan.FromDays(30) };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(errors, e => e.MemberNames.Contains(nameof(RetentionOptions.ClosedEpisodes)));
        Assert.Empty(new RetentionOptions().Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));
    }
}

public sealed class HousekeepingTestsOnSqlite() : HousekeepingTests(DatabaseKind.Sqlite);

public sealed class HousekeepingTestsOnPostgres() : HousekeepingTests(DatabaseKind.Postgres);
