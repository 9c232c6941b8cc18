using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Bot;

/// <summary>
/// A question written over several messages gets one answer (<c>Bot:QuietPeriod</c>), on a fake clock: nothing is
/// answered until the clock has moved past the quiet period, and a request for a person is handed off at once.
/// </summary>
public abstract class QuietPeriodTests(DatabaseKind database)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private Task<ChatwootScenario> Start() =>
        ChatwootScenario.StartAsync(new Dictionary<string, string?> { ["Bot:QuietPeriod"] = "00:00:03" }, database: database, time: _clock);

    private static Task WaitScheduledAsync(ChatwootScenario s, long count) =>
        s.WaitUntilAsync("SELECT COUNT(*) FROM webhook_inbox WHERE event_type = 'bot.answer_due'", count);

    /// <summary>
    /// Moves the clock once no delivery is under way: a request in flight would otherwise see its timeout pass.
    /// </summary>
    private async Task AdvanceAsync(ChatwootScenario s, int seconds)
    {
        await s.WaitUntilAsync("SELECT COUNT(*) FROM outbox WHERE state = 'pending'", 0);
        _clock.Advance(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public async Task Three_messages_in_a_row_get_one_answer_once_the_customer_is_quiet()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("hi there"));
        await WaitScheduledAsync(s, 1);
        await AdvanceAsync(s, 1);
        await s.SendAsync(s.Message("my virtual machine does not boot anymore"));
        await WaitScheduledAsync(s, 2);
        await AdvanceAsync(s, 1);
        await s.SendAsync(s.Message("how do I restart it?"));
        await WaitScheduledAsync(s, 3);

        // Every message stored and read, none answered: the last one is due 3 s after it came.
        await s.WaitUntilAsync("SELECT COUNT(*) FROM webhook_inbox WHERE event_type = 'chatwoot.message_created' AND state = 'pending'", 0);
        Assert.Empty(s.Posted());
        Assert.Equal([3000L, 3000L, 3000L], await s.QueryAsync<long>(
            "SELECT next_attempt_at - received_at FROM webhook_inbox WHERE event_type = 'bot.answer_due' ORDER BY id"));

        await AdvanceAsync(s, 3);
        var posted = await s.WaitForPostsAsync(1);
        await s.WaitIdleAsync();

        Assert.Single(s.Posted());
        Assert.Contains("[Restart a virtual machine](", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        var decision = (await s.QueryAsync<(string Question, string Outcome)>("SELECT question, outcome FROM bot_decisions")).Single();
        Assert.Equal(("hi there\nmy virtual machine does not boot anymore\nhow do I restart it?", "answered"), decision);
    }

    [Fact]
    public async Task A_request_for_a_person_is_handed_off_at_once_and_the_waiting_question_is_not_answered()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("my virtual machine does not boot"));
        await WaitScheduledAsync(s, 1);
        await s.SendAsync(s.Message("actually can I talk to someone from your team?"));
        // The clock has not moved: the handoff does not wait.
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        await AdvanceAsync(s, 5);
        await s.WaitIdleAsync();
        Assert.Single(s.Posted());
        Assert.Equal(["customer_request"], await s.QueryAsync<string>("SELECT reason FROM bot_decisions"));
    }

    [Fact]
    public async Task After_an_answer_the_next_question_is_answered_on_its_own()
    {
        await using var s = await Start();
        await s.SendAsync(s.Message("how do I restart my virtual machine?"));
        await WaitScheduledAsync(s, 1);
        await AdvanceAsync(s, 3);
        await s.WaitForPostsAsync(1);
        await s.SendAsync(s.Message("Open the console and click Restart.", messageType: "outgoing", senderType: "agent_bot"));

        await s.SendAsync(s.Message("and how do I restore a database backup?"));
        await WaitScheduledAsync(s, 2);
        await AdvanceAsync(s, 3);
        var posted = await s.WaitForPostsAsync(2);

        Assert.Contains("[Database backups](", posted[1].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal(["how do I restart my virtual machine?", "and how do I restore a database backup?"],
            await s.QueryAsync<string>("SELECT question FROM bot_decisions ORDER BY message_id"));
    }

    [Fact]
    public async Task A_screenshot_after_the_question_goes_to_a_person_with_the_question()
    {
        await using var s = await Start();
        await s.SendAsync(s.Message("my virtual machine shows this error, how do I restart it?"));
        var screenshot = s.Message("");
        screenshot["content"] = null;
        screenshot["attachments"] = new JsonArray(new JsonObject { ["id"] = 9, ["file_type"] = "image", ["data_url"] = "https://chatwoot.example.com/x.png" });
        await s.SendAsync(screenshot);
        await WaitScheduledAsync(s, 2);

        await AdvanceAsync(s, 3);
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");
        await s.WaitIdleAsync();

        var decision = (await s.QueryAsync<(string Question, string Reason)>("SELECT question, reason FROM bot_decisions")).Single();
        Assert.Equal(("my virtual machine shows this error, how do I restart it?\n[an attachment]", "attachment"), decision);
    }

    [Fact]
    public async Task A_waiting_answer_survives_a_restart()
    {
        await using var s = await Start();
        await s.SendAsync(s.Message("how do I restart my virtual machine?"));
        await WaitScheduledAsync(s, 1);

        await s.RestartAsync();
        await AdvanceAsync(s, 3);
        await s.WaitForPostsAsync(1);
        await s.WaitIdleAsync();

        Assert.Single(s.Posted());
    }
}

public sealed class QuietPeriodTestsOnSqlite() : QuietPeriodTests(DatabaseKind.Sqlite);

public sealed class QuietPeriodTestsOnPostgres() : QuietPeriodTests(DatabaseKind.Postgres);
