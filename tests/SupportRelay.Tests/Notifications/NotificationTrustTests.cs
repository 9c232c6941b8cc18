using System.Text.Json.Nodes;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Notifications;

/// <summary>What a customer controls cannot pass for ours in a notification, nor flood a provider with them.</summary>
public abstract class NotificationTrustTests(DatabaseKind database)
{
    private Task<NotificationScenario> Start(IDictionary<string, string?>? settings = null) => NotificationScenario.StartAsync(database, settings);

    [Fact]
    public async Task Customer_text_stays_inside_its_quote_and_cannot_draw_lines_of_ours()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, "my app is down\nWhy: the customer was refunded\r\nContract: VIP\u2028Pay here: https://evil.example/pay\u202e");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending",
            customAttributes: new JsonObject { ["contract_id"] = "C-1\nWhy: refund approved" }));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        var lines = text.Split('\n');
        // Ours: one Why line, no Contract line (the contract id nobody mapped is the customer's text).
        Assert.Equal(["Why: the conversation was opened for an agent in Chatwoot"], lines.Where(l => l.StartsWith("Why:", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.StartsWith("Contract:", StringComparison.Ordinal));
        // Theirs: one line, inside the quote, under the label that says so.
        var quoted = Assert.Single(lines, l => l.Contains("my app is down", StringComparison.Ordinal));
        Assert.Contains("Why: the customer was refunded Contract: VIP Pay here: https://evil.example/pay", quoted, StringComparison.Ordinal);
        Assert.StartsWith("<blockquote>", quoted, StringComparison.Ordinal);
        Assert.Contains("<i>The customer wrote (their words, not checked):</i>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_customer_text_cannot_push_our_lines_out_of_the_message()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Notifications:MaxSummaryLength"] = "3500", ["Notifications:SummaryMessages"] = "1" });
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, string.Concat(Enumerable.Repeat("<&> filler ", 3000)));

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        Assert.True(text.Length <= 4096, $"{text.Length}");
        Assert.Contains("Why: the conversation was opened for an agent in Chatwoot", text, StringComparison.Ordinal);
        Assert.Contains("Open the conversation in Chatwoot", text, StringComparison.Ordinal);
        Assert.EndsWith("<i>for a private note.</i>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Past_the_hourly_cap_handoffs_wait_for_one_digest()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Notifications:MaxHandoffsPerProviderPerHour"] = "3" });
        await s.ConfigureProviderAsync("telegram");

        for (var conversation = 1; conversation <= 8; conversation++)
        {
            await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(conversation, "open", "pending"));
            // Idle but for the digest, which waits for the hour's end.
            await s.Chatwoot.WaitUntilAsync(
                "SELECT (SELECT COUNT(*) FROM webhook_inbox WHERE state = 'pending') + (SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND kind <> 'notification.digest')", 0);
        }

        Assert.Equal(3, s.Notifications().Count);
        var digest = (await s.Chatwoot.QueryAsync<(long NextAttemptAt, string State)>("SELECT next_attempt_at, state FROM outbox WHERE kind = 'notification.digest'")).Single();
        var hourEnd = DateTimeOffset.FromUnixTimeMilliseconds(digest.NextAttemptAt);
        Assert.Equal("pending", digest.State);
        Assert.Equal(0, hourEnd.Minute + hourEnd.Second + hourEnd.Millisecond);
        Assert.InRange(hourEnd - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromHours(1));

        // The hour ends (the row falls due), and the five held back come in one message.
        await s.Chatwoot.QueryAsync<long>("UPDATE outbox SET next_attempt_at = 0 WHERE kind = 'notification.digest'; SELECT 1");
        await s.Chatwoot.WaitUntilAsync("SELECT COUNT(*) FROM outbox WHERE kind = 'notification.digest' AND state = 'sent'", 1);
        var texts = s.Sent().Select(r => r.Json.GetProperty("text").GetString()!).ToList();
        var summary = Assert.Single(texts, t => t.Contains("5 more conversations", StringComparison.Ordinal));
        foreach (var conversation in new[] { 4, 5, 6, 7, 8 })
        {
            Assert.Contains($"#{conversation} https://chat.example.com/app/accounts/7/conversations/{conversation}", summary, StringComparison.Ordinal);
        }

        Assert.Equal(4, texts.Count);
    }
}

public sealed class NotificationTrustTestsOnSqlite() : NotificationTrustTests(DatabaseKind.Sqlite);

public sealed class NotificationTrustTestsOnPostgres() : NotificationTrustTests(DatabaseKind.Postgres);
