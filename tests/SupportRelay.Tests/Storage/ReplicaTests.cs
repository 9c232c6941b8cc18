using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Storage;

/// <summary>
/// Two service instances on one database, as several replicas behind a load balancer: every reply
/// happens exactly once, and work a stopped or dead replica claimed is finished by the other.
/// </summary>
public abstract class ReplicaTests(DatabaseKind database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppFactory SecondReplica(ChatwootScenario first, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(first.App.Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new AppFactory(settings, first.App.DatabasePath);
    }

    [Fact]
    public async Task Webhooks_spread_over_two_replicas_with_redeliveries_are_answered_exactly_once()
    {
        // The agent bot and the account webhook each sign with a secret of their own.
        const string AccountWebhookSecret = "account-webhook-secret";
        await using var s = await ChatwootScenario.StartAsync(new Dictionary<string, string?>
        {
            ["Bot:MaxRepliesPerMinute"] = "100",
            ["Chatwoot:WebhookSecret"] = ChatwootScenario.Secret + "," + AccountWebhookSecret,
        }, database: database);
        await using var second = SecondReplica(s);
        using var secondClient = second.CreateClient();
        var clients = new[] { s.Client, secondClient };
        const int Messages = 200;
        const int Conversations = 20;

        var sends = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < Messages; i++)
        {
            var body = s.Message($"How do I restart my virtual machine? ({i})", conversationId: 1000 + (i % Conversations));
            var delivery = Guid.NewGuid().ToString();
            sends.Add(s.SendAsync(body, delivery, client: clients[i % 2]));
            if (i % 3 == 0)
            {
                // Chatwoot retrying the same delivery, answered by the other replica.
                sends.Add(s.SendAsync(body, delivery, client: clients[(i + 1) % 2]));
            }

            if (i % 5 == 0)
            {
                // The same message under another delivery id (an agent bot and an account webhook both subscribed).
                sends.Add(s.SendAsync(body, secret: AccountWebhookSecret, client: clients[(i + 1) % 2]));
            }
        }

        var responses = await Task.WhenAll(sends);
        Assert.All(responses, r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        await s.Chatwoot.WaitForAsync(all => all.Count(r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal)) >= Messages, TimeSpan.FromSeconds(90));
        await s.WaitIdleAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500, Ct);

        var posts = s.Chatwoot.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal)).ToList();
        Assert.Equal(Messages, posts.Count);
        Assert.Equal(Messages, (await s.QueryAsync<long>("SELECT COUNT(*) FROM bot_decisions")).Single());
        Assert.Equal(Messages, (await s.QueryAsync<long>("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")).Single());
        // One stored event per delivery id: the redeliveries of a delivery were stored once.
        Assert.Equal(Messages + (Messages / 5), (await s.QueryAsync<long>("SELECT COUNT(*) FROM webhook_inbox")).Single());
        // Within a conversation the replies went out one at a time, in the order they were decided.
        var sent = await s.QueryAsync<(string OrderingKey, long Id, long SentAt)>("SELECT ordering_key, id, sent_at FROM outbox ORDER BY id");
        foreach (var conversation in sent.GroupBy(r => r.OrderingKey))
        {
            var times = conversation.Select(r => r.SentAt).ToList();
            Assert.Equal(times.Order().ToList(), times);
        }
    }

    [Fact]
    public async Task Status_changes_and_telegram_replies_spread_over_two_replicas_act_exactly_once()
    {
        await using var n = await NotificationScenario.StartAsync(database);
        await n.ConfigureProviderAsync("telegram");
        var s = n.Chatwoot;
        await using var second = SecondReplica(s);
        using var secondClient = second.CreateClient();
        var clients = new[] { s.Client, secondClient };
        const int Conversations = 60;

        // Each conversation is opened by a person: the status webhook, Chatwoot's redelivery of it to the
        // other replica, and the conversation_updated twin to either.
        var sends = new List<Task<HttpResponseMessage>>();
        for (var c = 1; c <= Conversations; c++)
        {
            var delivery = Guid.NewGuid().ToString();
            var change = NotificationScenario.StatusChange(2000 + c, "open", "pending");
            sends.Add(s.SendAsync(change, delivery, client: clients[c % 2]));
            sends.Add(s.SendAsync(change, delivery, client: clients[(c + 1) % 2]));
            sends.Add(s.SendAsync(NotificationScenario.StatusChange(2000 + c, "open", "pending", "conversation_updated"), client: clients[c / 2 % 2]));
        }

        Assert.All(await Task.WhenAll(sends), r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        await n.WaitForNotificationAsync(Conversations);
        await s.WaitIdleAsync(TimeSpan.FromSeconds(30));

        var notifications = n.Notifications();
        Assert.Equal(Conversations, notifications.Count);
        Assert.Equal(Conversations, notifications.Select(r => r.Json.GetProperty("text").GetString()).Distinct().Count());

        // The provider answers each notification; Telegram delivers each update to both replicas.
        var messageIds = await s.QueryAsync<(long MessageId, long ConversationId)>("SELECT message_id, conversation_id FROM telegram_message_links");
        Assert.Equal(Conversations, messageIds.Count);
        var updates = new List<Task<HttpResponseMessage>>();
        var i = 0;
        foreach (var (messageId, conversationId) in messageIds)
        {
            var update = NotificationScenario.TextMessage(NotificationScenario.ProviderChat, $"Answer for {conversationId}", replyTo: (int)messageId,
                messageId: 10_000 + i, updateId: n.NextUpdateId()).ToJsonString();
            updates.Add(n.SendRawUpdateAsync(update, client: clients[i % 2]));
            updates.Add(n.SendRawUpdateAsync(update, client: clients[(i + 1) % 2]));
            i++;
        }

        Assert.All(await Task.WhenAll(updates), r => Assert.Equal(System.Net.HttpStatusCode.OK, r.StatusCode));
        await s.Chatwoot.WaitForAsync(all => all.Count(r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal)) >= Conversations, TimeSpan.FromSeconds(60));
        await s.WaitIdleAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500, Ct);

        var posts = s.Chatwoot.Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/messages", StringComparison.Ordinal)).ToList();
        Assert.Equal(Conversations, posts.Count);
        Assert.All(posts, p => Assert.Contains($"Answer for {p.Path.Split('/')[6]}", p.Json.GetProperty("content").GetString()!, StringComparison.Ordinal));
        Assert.Equal(Conversations, n.Notifications().Count);
    }

    [Fact]
    public async Task Work_claimed_by_a_replica_that_stops_is_finished_by_the_other()
    {
        await using var s = await ChatwootScenario.StartAsync(withLlm: true, database: database);
        var calls = 0;
        s.Llm!.On("POST", "/v1/chat/completions", _ => Interlocked.Increment(ref calls) == 1
            ? new FakeResponse(500, "", Delay: TimeSpan.FromSeconds(30))
            : FakeResponse.Json(ChatwootScenario.Completion("""{"answered": true, "answer": "Click Restart in the console.", "sources": ["1"]}""")));

        await s.SendAsync(s.Message("My virtual machine does not boot, how do I restart it?"));
        await s.Llm.WaitForAsync("POST", "/v1/chat/completions");
        await using var second = SecondReplica(s).Start();
        // The first replica stops while the model is still thinking; it hands its claim back.
        await s.App.DisposeAsync();

        await s.Chatwoot.WaitForAsync("POST", "/conversations/42/messages", timeout: TimeSpan.FromSeconds(20));
        await Task.Delay(500, Ct);

        var post = Assert.Single(s.Posted());
        Assert.StartsWith("Click Restart in the console.", post.Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Work_of_a_replica_that_died_is_taken_over_when_its_lease_ends()
    {
        await using var s = await ChatwootScenario.StartAsync(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" }, database: database);
        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        // A replica claimed it and died without a word: only its lease says so.
        var leaseEnd = DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeMilliseconds();
        await s.QueryAsync<long>($"UPDATE webhook_inbox SET locked_by = 'dead-replica', locked_until = {leaseEnd}, attempts = 1 RETURNING id");

        await using var survivor = SecondReplica(s, new Dictionary<string, string?> { ["Workers:Enabled"] = "true" }).Start();
        await Task.Delay(1500, Ct);
        Assert.Empty(s.Posted());

        await s.Chatwoot.WaitForAsync("POST", "/conversations/42/messages", timeout: TimeSpan.FromSeconds(20));
        Assert.Single(s.Posted());
    }
}

public sealed class ReplicaTestsOnSqlite() : ReplicaTests(DatabaseKind.Sqlite);

public sealed class ReplicaTestsOnPostgres() : ReplicaTests(DatabaseKind.Postgres);
