using System.Net;
using System.Text.Json;
using SupportRelay.Tests.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Notifications;

/// <summary>
/// Conversation events as Chatwoot sends them since 4.13.0: to the agent bot and to the account webhook, each
/// under its own delivery id, the account's copy built later. One change is one event; only the bot's
/// conversations are announced.
/// </summary>
public abstract class ConversationEventTests(DatabaseKind database)
{
    private static readonly ChatwootFixture Opened = ChatwootFixture.Load("4.15", "conversation_status_changed_open");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The account webhook's copy: built from the reloaded record, so <c>updated_at</c> has microseconds, not nanoseconds.</summary>
    private static ChatwootFixture AccountCopy(ChatwootFixture fixture) =>
        fixture.Replace("\"updated_at\":1781950590.0679026", "\"updated_at\":1781950590.067902");

    private static ChatwootFixture InConversation(ChatwootFixture fixture, long conversationId, long inboxId) =>
        fixture.Replace("\"id\":42,", $"\"id\":{conversationId},").Replace("\"inbox_id\":3", $"\"inbox_id\":{inboxId}");

    private static async Task<string> StatusOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString()!;
    }

    private Task<NotificationScenario> StartAsync(IDictionary<string, string?>? settings = null) => NotificationScenario.StartAsync(database, settings);

    [Fact]
    public async Task One_change_sent_to_the_bot_and_to_the_account_webhook_is_one_event()
    {
        await using var s = await StartAsync();
        await s.ConfigureProviderAsync("telegram");
        var updated = ChatwootFixture.Load("4.15", "conversation_updated_status_open");

        var bot = await StatusOfAsync(await Opened.SendAsync(s.Chatwoot, ChatwootRecipient.AgentBot));
        var account = await StatusOfAsync(await AccountCopy(Opened).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook));
        var botUpdated = await StatusOfAsync(await updated.SendAsync(s.Chatwoot, ChatwootRecipient.AgentBot));
        // The account's copy shows a later state at the top level; changed_attributes are the change's own.
        var accountUpdated = await StatusOfAsync(await updated.Replace("\"updated_at\":1781950590.0679026", "\"updated_at\":1781950620.5")
            .SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook));
        await s.WaitForNotificationAsync();
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(("accepted", "duplicate", "accepted", "duplicate"), (bot, account, botUpdated, accountUpdated));
        Assert.Equal(2L, (await s.Chatwoot.QueryAsync<long>("SELECT COUNT(*) FROM webhook_inbox")).Single());
        Assert.Single(s.Notifications());
    }

    [Fact]
    public async Task A_late_copy_of_an_older_change_does_not_open_the_conversation_again()
    {
        await using var s = await StartAsync();
        await s.ConfigureProviderAsync("telegram");

        await Opened.SendAsync(s.Chatwoot, ChatwootRecipient.AgentBot);
        await s.WaitForNotificationAsync();
        await ChatwootFixture.Load("4.15", "conversation_status_changed_resolved").SendAsync(s.Chatwoot, ChatwootRecipient.AgentBot);
        await s.Chatwoot.WaitIdleAsync();
        // The account webhook's copy of the opening arrives after the resolution (its job ran late).
        var late = await StatusOfAsync(await AccountCopy(Opened).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook));
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal("duplicate", late);
        Assert.Single(s.Notifications());
        Assert.Equal("resolved", (await s.Chatwoot.QueryAsync<string>("SELECT status FROM conversation_episodes")).Single());
    }

    [Fact]
    public async Task Only_conversations_the_bot_saw_or_in_its_inboxes_are_announced_whatever_the_default_provider()
    {
        await using var s = await StartAsync();
        await s.ConfigureProviderAsync("telegram");
        // Conversation 78, in inbox 9 (not the bot's), reached the bot anyway: it saw a message of it.
        await InConversation(ChatwootFixture.Load("4.15", "message_created_incoming_text"), 78, 9)
            .Replace("\"status\":\"pending\"", "\"status\":\"open\"").SendAsync(s.Chatwoot);
        await s.Chatwoot.WaitIdleAsync();

        await InConversation(Opened, 77, 9).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook);
        await InConversation(Opened, 78, 9).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook);
        await InConversation(Opened, 79, 3).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook);
        await s.WaitForNotificationAsync(2);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal([78L, 79L], await s.Chatwoot.QueryAsync<long>("SELECT conversation_id FROM handoffs ORDER BY conversation_id"));
        Assert.Equal(2, s.Notifications().Count);
        // Conversation 77 is known as open, not as a handoff waiting for its notification.
        Assert.Equal(("open", 0L), (await s.Chatwoot.QueryAsync<(string, long)>("SELECT status, notified FROM conversation_episodes WHERE conversation_id = 77")).Single());
    }

    [Fact]
    public async Task Without_configured_inboxes_the_bot_serves_those_whose_messages_reached_it()
    {
        await using var s = await StartAsync(new Dictionary<string, string?> { ["Bot:InboxIds:0"] = null });
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(80, "My VM is down");

        await InConversation(Opened, 81, 3).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook);
        await InConversation(Opened, 82, 9).SendAsync(s.Chatwoot, ChatwootRecipient.AccountWebhook);
        await s.WaitForNotificationAsync();
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal([81L], await s.Chatwoot.QueryAsync<long>("SELECT conversation_id FROM handoffs"));
    }
}

public sealed class ConversationEventTestsOnSqlite() : ConversationEventTests(DatabaseKind.Sqlite);

public sealed class ConversationEventTestsOnPostgres() : ConversationEventTests(DatabaseKind.Postgres);
