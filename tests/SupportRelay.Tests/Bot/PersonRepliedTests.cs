using SupportRelay.Tests.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Bot;

/// <summary>
/// An agent who answers a pending conversation without opening it (Chatwoot leaves it pending outside Captain
/// inboxes) takes it over: the bot stays quiet until the conversation is handed back to it. On Chatwoot's bytes.
/// </summary>
public abstract class PersonRepliedTests(DatabaseKind database)
{
    private static readonly ChatwootFixture AgentReply = ChatwootFixture.Load("4.15", "message_created_outgoing_agent_reply")
        .Replace("\"status\":\"open\"", "\"status\":\"pending\"");

    private static readonly ChatwootFixture Opened = ChatwootFixture.Load("4.15", "conversation_status_changed_open");

    /// <summary>The agent sets the conversation back to pending ("back to the bot"): as the open change, with the new status and time.</summary>
    private static readonly ChatwootFixture BackToPending = Opened.Replace("\"status\":\"open\"", "\"status\":\"pending\"")
        .Replace("\"updated_at\":1781950590.0679026", "\"updated_at\":1781950900.1234567");

    /// <summary>Ada writes again in the pending conversation: her first message under another id.</summary>
    private static ChatwootFixture CustomerWrites(long messageId) =>
        ChatwootFixture.Load("4.15", "message_created_incoming_text").Replace("\"id\":2001,", $"\"id\":{messageId},");

    private Task<ChatwootScenario> StartAsync() =>
        ChatwootScenario.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:SupportRelay.Bot"] = "Information" }, database: database);

    private static async Task SendAsync(ChatwootScenario s, ChatwootFixture fixture)
    {
        var response = await fixture.SendAsync(s);
        response.EnsureSuccessStatusCode();
        await s.WaitIdleAsync();
    }

    private static async Task<bool> DecidedAsync(ChatwootScenario s, long messageId) =>
        (await s.QueryAsync<long>("SELECT COUNT(*) FROM bot_decisions WHERE message_id = @messageId", new { messageId })).Single() > 0;

    [Fact]
    public async Task After_an_agents_reply_in_a_pending_conversation_the_bot_stays_quiet_until_an_agent_sets_it_pending_again()
    {
        await using var s = await StartAsync();

        await SendAsync(s, AgentReply);
        await SendAsync(s, CustomerWrites(2009));

        Assert.False(await DecidedAsync(s, 2009));
        Assert.Empty(s.Posted());
        Assert.Contains(s.App.Logs.Lines, l => l.Contains("a person has replied", StringComparison.Ordinal));
        Assert.Equal(["agent", "customer"], await s.QueryAsync<string>("SELECT role FROM conversation_messages ORDER BY message_id"));

        // The agent opens the conversation, then hands it back: the bot answers again.
        await SendAsync(s, Opened);
        await SendAsync(s, BackToPending);
        await SendAsync(s, CustomerWrites(2010));

        Assert.True(await DecidedAsync(s, 2010));
    }

    [Fact]
    public async Task A_conversation_resolved_and_reopened_is_the_bots_again()
    {
        await using var s = await StartAsync();

        await SendAsync(s, AgentReply);
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_status_changed_resolved"));
        await SendAsync(s, CustomerWrites(2011));

        Assert.True(await DecidedAsync(s, 2011));
    }

    [Fact]
    public async Task Pending_again_by_our_records_is_no_hand_back()
    {
        await using var s = await StartAsync();

        // conversation_status_changed says "pending" with changed_attributes null; we knew it pending already
        // (a late copy of an older event, say): the person who replied still has it.
        await SendAsync(s, AgentReply);
        await SendAsync(s, BackToPending);
        await SendAsync(s, CustomerWrites(2012));

        Assert.False(await DecidedAsync(s, 2012));
    }

    [Fact]
    public async Task A_private_note_or_the_bots_own_message_is_no_persons_reply()
    {
        await using var s = await StartAsync();

        await SendAsync(s, ChatwootFixture.Load("4.15", "message_created_private_note").Replace("\"status\":\"open\"", "\"status\":\"pending\""));
        await SendAsync(s, ChatwootFixture.Load("4.15", "message_created_outgoing_bot"));
        await SendAsync(s, CustomerWrites(2013));

        Assert.True(await DecidedAsync(s, 2013));
        Assert.Empty(await s.QueryAsync<long>("SELECT human_replied_at FROM conversation_episodes WHERE human_replied_at IS NOT NULL"));
    }
}

public sealed class PersonRepliedTestsOnSqlite() : PersonRepliedTests(DatabaseKind.Sqlite);

public sealed class PersonRepliedTestsOnPostgres() : PersonRepliedTests(DatabaseKind.Postgres);
