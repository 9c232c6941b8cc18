using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>
/// Every event handler on Chatwoot's own bytes (the fixtures), sent with the headers each version sends its
/// recipient: 4.15; 4.14.1, whose conversation payloads carry no account; 4.12, whose content is the widget's
/// rendered HTML and whose agent-bot deliveries are neither signed nor numbered (so they come with <c>?token=</c>).
/// </summary>
public abstract class ChatwootContractTests(DatabaseKind database)
{
    private const string Portal = "acme-help";
    private const string Question = "Bonjour ! Est-ce que ça marche avec <b>Tom</b> & Jerry ?";
    private const string OtherProvider = "bb11bb22cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Acme's account as the fixtures tell it: portal acme-help in French on the public host, the bot on inbox 3.</summary>
    private async Task<NotificationScenario> StartAsync()
    {
        var s = await NotificationScenario.StartAsync(database, new Dictionary<string, string?>
        {
            ["Chatwoot:DefaultPortalSlug"] = Portal,
            ["Chatwoot:DefaultLocale"] = "fr",
            // The question shares one word with the articles: retrieval's threshold is not what these tests are about.
            ["Bot:MinConfidence"] = "0",
        });
        s.Chatwoot.ServeArticles(Portal, "fr", ChatwootFixture.Load("4.15", "hc_articles_list").Json["payload"]!.AsArray()
            .Select(a => (object)a!.DeepClone().AsObject()).ToList());
        return s;
    }

    private static async Task<string> SendAsync(NotificationScenario s, ChatwootFixture fixture, ChatwootRecipient recipient = ChatwootRecipient.AgentBot)
    {
        var response = await fixture.SendAsync(s.Chatwoot, recipient);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString()!;
        await s.Chatwoot.WaitIdleAsync();
        return status;
    }

    private static Task<List<(string Role, string Content)>> HistoryAsync(NotificationScenario s) =>
        s.Chatwoot.QueryAsync<(string, string)>("SELECT role, content FROM conversation_messages ORDER BY message_id").ContinueWith(t => t.Result.ToList());

    private static Task<long> DecisionsAsync(NotificationScenario s) =>
        s.Chatwoot.QueryAsync<long>("SELECT COUNT(*) FROM bot_decisions").ContinueWith(t => t.Result.Single());

    private static async Task AssertNothingFailedAsync(NotificationScenario s) =>
        Assert.Empty(await s.Chatwoot.QueryAsync<string>("SELECT event_type FROM webhook_inbox WHERE state <> 'done'"));

    [Theory]
    [InlineData("4.15")]
    [InlineData("4.14.1")]
    [InlineData("4.12")]
    public async Task A_customers_question_is_answered(string version)
    {
        await using var s = await StartAsync();

        Assert.Equal("accepted", await SendAsync(s, ChatwootFixture.Load(version, "message_created_incoming_text")));
        var posted = await s.Chatwoot.WaitForPostsAsync(1);

        var decision = (await s.Chatwoot.QueryAsync<(string Outcome, string Question, string Locale)>("SELECT outcome, question, locale FROM bot_decisions")).Single();
        // The 4.12 text is read from the raw copy, not from "<p>... <!-- raw HTML omitted -->Tom<!-- raw HTML omitted --> &amp; Jerry ?</p>".
        Assert.Equal(("answered", Question, "fr"), decision);
        Assert.Contains("https://chat.example.com/hc/acme-help/articles/1780676444-changer-de-moyen-de-paiement", posted[0].Json.GetProperty("content").GetString()!,
            StringComparison.Ordinal);
        Assert.Equal([("customer", Question)], await HistoryAsync(s));
        await AssertNothingFailedAsync(s);
    }

    [Fact]
    public async Task An_attachment_alone_is_handed_to_a_person()
    {
        await using var s = await StartAsync();

        await SendAsync(s, ChatwootFixture.Load("4.15", "message_created_incoming_attachment"));
        await s.Chatwoot.Chatwoot.WaitForAsync("POST", "/conversations/42/toggle_status");

        Assert.Equal(("handoff", "attachment"), (await s.Chatwoot.QueryAsync<(string, string)>("SELECT outcome, reason FROM bot_decisions")).Single());
        Assert.Equal([("customer", "[an attachment]")], await HistoryAsync(s));
    }

    [Theory]
    [InlineData("4.15")]
    [InlineData("4.12")]
    public async Task The_bots_own_message_is_recorded_as_its_own_and_not_answered(string version)
    {
        await using var s = await StartAsync();

        await SendAsync(s, ChatwootFixture.Load(version, "message_created_outgoing_bot"));

        // In 4.12 the echo's content is "<p>Merci Ada ! Je regarde ça tout de suite.</p>\n": the history keeps what the bot posted.
        Assert.Equal([("assistant", "Merci Ada ! Je regarde ça tout de suite.")], await HistoryAsync(s));
        Assert.Equal(0, await DecisionsAsync(s));
        Assert.Empty(s.Chatwoot.Posted());
    }

    [Fact]
    public async Task The_bots_input_select_is_its_own_message_and_the_customers_choice_is_stored_and_read()
    {
        await using var s = await StartAsync();

        await SendAsync(s, ChatwootFixture.Load("4.15", "message_created_outgoing_bot_input_select"));
        var choice = await SendAsync(s, ChatwootFixture.Load("4.15", "message_updated_input_select_submitted"));

        Assert.Equal("accepted", choice);
        Assert.Equal([("assistant", "Quel est le sujet de votre demande ?")], await HistoryAsync(s));
        Assert.Equal(["chatwoot.message_updated"], await s.Chatwoot.QueryAsync<string>("SELECT event_type FROM webhook_inbox WHERE event_type = 'chatwoot.message_updated'"));
        Assert.Equal(0, await DecisionsAsync(s));
        await AssertNothingFailedAsync(s);
    }

    [Fact]
    public async Task An_agents_reply_is_history_and_takes_the_conversation_over()
    {
        await using var s = await StartAsync();

        await SendAsync(s, ChatwootFixture.Load("4.15", "message_created_outgoing_agent_reply"));

        Assert.Equal([("agent", "Bonjour Ada, je prends le relais. Pouvez-vous me donner le numéro de facture ?")], await HistoryAsync(s));
        Assert.Single(await s.Chatwoot.QueryAsync<long>("SELECT human_replied_at FROM conversation_episodes WHERE conversation_id = 42 AND human_replied_at IS NOT NULL"));
        Assert.Equal(0, await DecisionsAsync(s));
    }

    [Fact]
    public async Task A_private_note_is_ignored_and_kept_out_of_the_history()
    {
        await using var s = await StartAsync();

        await SendAsync(s, ChatwootFixture.Load("4.15", "message_created_private_note"));

        Assert.Empty(await HistoryAsync(s));
        Assert.Empty(await s.Chatwoot.QueryAsync<long>("SELECT human_replied_at FROM conversation_episodes WHERE human_replied_at IS NOT NULL"));
        Assert.Equal(0, await DecisionsAsync(s));
        await AssertNothingFailedAsync(s);
    }

    [Fact]
    public async Task Status_events_of_one_handoff_notify_once_and_its_resolution_ends_the_episode()
    {
        await using var s = await StartAsync();
        await s.ConfigureProviderAsync("telegram");

        // What Chatwoot 4.15 sends when the conversation opens: to the bot and to the account webhook.
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_updated_waiting_since_cleared"));
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_opened"));
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_status_changed_open"));
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_updated_status_open"), ChatwootRecipient.AccountWebhook);
        await s.WaitForNotificationAsync();
        var open = (await s.Chatwoot.QueryAsync<(string, long, long)>("SELECT status, notified, episode FROM conversation_episodes")).Single();
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_resolved"));
        await SendAsync(s, ChatwootFixture.Load("4.15", "conversation_status_changed_resolved"), ChatwootRecipient.AccountWebhook);

        Assert.Equal(("open", 1L, 1L), open);
        Assert.Equal(("resolved", 0L, 2L), (await s.Chatwoot.QueryAsync<(string, long, long)>("SELECT status, notified, episode FROM conversation_episodes")).Single());
        Assert.Single(s.Notifications());
        Assert.Equal(["webhook"], await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs"));
        await AssertNothingFailedAsync(s);
    }

    [Fact]
    public async Task Before_4_14_2_a_status_event_without_an_account_is_the_configured_accounts()
    {
        await using var s = await StartAsync();
        await s.ConfigureProviderAsync("telegram");

        await SendAsync(s, ChatwootFixture.Load("4.14.1", "conversation_status_changed_open"));
        await s.WaitForNotificationAsync();

        Assert.Equal((7L, 42L), (await s.Chatwoot.QueryAsync<(long, long)>("SELECT account_id, conversation_id FROM handoffs")).Single());
        // Ordered with the conversation's messages, which do name the account.
        Assert.Equal(["chatwoot:7:42"], await s.Chatwoot.QueryAsync<string>("SELECT ordering_key FROM webhook_inbox"));
    }

    [Fact]
    public async Task The_widget_opening_is_acknowledged_and_ignored()
    {
        await using var s = await StartAsync();

        Assert.Equal("ignored", await SendAsync(s, ChatwootFixture.Load("4.15", "webwidget_triggered")));
        Assert.Empty(await s.Chatwoot.QueryAsync<string>("SELECT event_type FROM webhook_inbox"));
    }

    [Fact]
    public async Task Attributes_the_widget_set_before_the_first_message_count_from_the_next_one()
    {
        // Before 4.13.0 (#13912) attributes set on chatwoot:ready are dropped from the first message's conversation.
        await using var s = await StartAsync();
        await s.MapContractAsync("C-77", OtherProvider);
        var first = ChatwootFixture.Load("4.12", "message_created_incoming_text");
        var second = first.Replace("\"id\":2001,", "\"id\":2009,").Replace("\"custom_attributes\":{\"plan\":\"pro\"}", "\"custom_attributes\":{\"plan\":\"pro\",\"contract_id\":\"C-77\"}");

        await SendAsync(s, first);
        await SendAsync(s, second);

        Assert.Equal([(2001L, NotificationScenario.Provider), (2009L, OtherProvider)],
            await s.Chatwoot.QueryAsync<(long, string)>("SELECT message_id, provider_pubkey FROM bot_decisions ORDER BY message_id"));
    }
}

public sealed class ChatwootContractTestsOnSqlite() : ChatwootContractTests(DatabaseKind.Sqlite);

public sealed class ChatwootContractTestsOnPostgres() : ChatwootContractTests(DatabaseKind.Postgres);
