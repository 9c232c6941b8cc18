using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Notifications;
using SupportRelay.Tests.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Notifications;

/// <summary>
/// The periodic reconciliation: open conversations listed from Chatwoot's account API catch handoffs
/// whose status webhook was lost, once per open episode, and nothing else.
/// </summary>
public abstract class ReconciliationTests(DatabaseKind database)
{
    private const string UserToken = "user-token-456";
    private const string ListPath = "/api/v1/accounts/7/conversations";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The scenario with a user token; the loop waits a day unless the test chooses an interval.</summary>
    private Task<NotificationScenario> Start(string interval = "1.00:00:00", IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Chatwoot:ApiAccessToken"] = UserToken,
            ["Notifications:ReconcileInterval"] = interval,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return NotificationScenario.StartAsync(database, all);
    }

    private static HandoffReconciler Reconciler(NotificationScenario s) => s.Chatwoot.App.Services.GetRequiredService<HandoffReconciler>();

    /// <summary>A conversation as <c>GET /api/v1/accounts/{id}/conversations</c> lists it (Chatwoot 4.x).</summary>
    private static JsonObject Listed(long id, DateTimeOffset lastActivity, JsonObject? customAttributes = null, bool isoTimestamps = false, long inboxId = 3)
    {
        JsonNode Time(DateTimeOffset t) => isoTimestamps ? JsonValue.Create(t.ToString("O", CultureInfo.InvariantCulture)) : JsonValue.Create(t.ToUnixTimeSeconds());
        return new JsonObject
        {
            ["meta"] = new JsonObject
            {
                ["sender"] = new JsonObject { ["id"] = 5, ["name"] = "Ada", ["email"] = "ada@example.com", ["type"] = "contact" },
                ["channel"] = "Channel::WebWidget",
                ["hmac_verified"] = false,
            },
            ["id"] = id,
            ["messages"] = new JsonArray(),
            ["account_id"] = ChatwootScenario.AccountId,
            ["uuid"] = Guid.NewGuid().ToString(),
            ["additional_attributes"] = new JsonObject(),
            ["agent_last_seen_at"] = 0,
            ["can_reply"] = true,
            ["custom_attributes"] = customAttributes ?? new JsonObject(),
            ["inbox_id"] = inboxId,
            ["labels"] = new JsonArray(),
            ["muted"] = false,
            ["snoozed_until"] = null,
            ["status"] = "open",
            ["created_at"] = Time(lastActivity.AddMinutes(-10)),
            ["timestamp"] = Time(lastActivity),
            ["unread_count"] = 1,
            ["last_activity_at"] = Time(lastActivity),
            ["priority"] = null,
            ["waiting_since"] = 0,
        };
    }

    /// <summary>Serves the listed conversations 25 a page, in the shape of Chatwoot 4.x (<c>data</c>), of older versions (<c>payload</c>) or a bare array.</summary>
    private static void ServeOpen(NotificationScenario s, List<JsonObject> conversations, string shape = "data")
    {
        s.Chatwoot.Chatwoot.On("GET", ListPath, r =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(r.Query);
            var page = int.Parse(query["page"] ?? "1", CultureInfo.InvariantCulture);
            var slice = new JsonArray(conversations.Skip((page - 1) * 25).Take(25).Select(c => (JsonNode)c.DeepClone()).ToArray());
            JsonNode body = shape switch
            {
                "data" => new JsonObject
                {
                    ["data"] = new JsonObject
                    {
                        ["meta"] = new JsonObject { ["mine_count"] = 0, ["assigned_count"] = 0, ["unassigned_count"] = conversations.Count, ["all_count"] = conversations.Count },
                        ["payload"] = slice,
                    },
                },
                "payload" => new JsonObject { ["payload"] = slice },
                _ => slice,
            };
            return new FakeResponse(200, body.ToJsonString());
        });
    }

    /// <summary>The listings of open conversations (each round also lists the pending ones).</summary>
    private static List<RecordedRequest> ListCalls(NotificationScenario s, string status = "open") =>
        s.Chatwoot.Chatwoot.Received("GET", ListPath).Where(r => System.Web.HttpUtility.ParseQueryString(r.Query)["status"] == status).ToList();

    /// <summary>
    /// Serves the pending conversations as Chatwoot 4.15 lists them: the list fixture's conversation (Ada's, 42) made
    /// pending, in each case with <paramref name="last"/> as its last message (<c>messages</c> and
    /// <c>last_non_activity_message</c>), active now; no open conversation.
    /// </summary>
    private static void ServePending(NotificationScenario s, params (long Conversation, long Inbox, JsonObject Last)[] conversations)
    {
        var template = ChatwootFixture.Load("4.15", "api_conversations_list_open").Json["data"]!["payload"]![0]!.AsObject();
        var listed = conversations.Select(c =>
        {
            var item = template.DeepClone().AsObject();
            item["id"] = c.Conversation;
            item["inbox_id"] = c.Inbox;
            item["status"] = "pending";
            item["last_activity_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            item["messages"] = new JsonArray(c.Last.DeepClone());
            item["last_non_activity_message"] = c.Last.DeepClone();
            return item;
        }).ToList();
        s.Chatwoot.Chatwoot.On("GET", ListPath, r =>
        {
            var query = System.Web.HttpUtility.ParseQueryString(r.Query);
            var page = query["status"] == "pending" && query["page"] == "1" ? listed : [];
            return new FakeResponse(200, new JsonObject
            {
                ["data"] = new JsonObject { ["meta"] = new JsonObject(), ["payload"] = new JsonArray(page.Select(c => (JsonNode)c.DeepClone()).ToArray()) },
            }.ToJsonString());
        });
    }

    /// <summary>A message of conversation 42 as Chatwoot lists it (the messages list fixture's), under another id and age.</summary>
    private static JsonObject ListedMessage(int index, long id, TimeSpan age, long conversation = 42)
    {
        var message = ChatwootFixture.Load("4.15", "api_messages_list").Json["payload"]![index]!.DeepClone().AsObject();
        message["id"] = id;
        message["conversation_id"] = conversation;
        message["created_at"] = (DateTimeOffset.UtcNow - age).ToUnixTimeSeconds();
        return message;
    }

    [Fact]
    public async Task A_lost_status_webhook_is_recovered_by_the_periodic_reconciliation_and_notified_once()
    {
        await using var s = await Start(interval: "00:00:01");
        await s.ConfigureProviderAsync("telegram");
        await s.MapContractAsync("C-77");
        await s.CustomerSaysAsync(42, "My VM is down");
        // The agent opened the conversation in Chatwoot; its conversation_status_changed never arrived.
        ServeOpen(s, [Listed(42, DateTimeOffset.UtcNow, new JsonObject { ["contract_id"] = "C-77" })]);

        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;
        await s.Chatwoot.Chatwoot.WaitForAsync(_ => ListCalls(s).Count >= 3);
        // The webhook arrives after all (a late redelivery): the episode was notified.
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Chatwoot.WaitIdleAsync();
        await Task.Delay(300, Ct);

        Assert.Single(s.Notifications());
        Assert.Contains("My VM is down", text, StringComparison.Ordinal);
        Assert.Contains("Contract: C-77", text, StringComparison.Ordinal);
        Assert.Equal(["reconcile"], await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs"));
        var call = ListCalls(s)[0];
        Assert.Equal(UserToken, call.Header("api_access_token"));
        var query = System.Web.HttpUtility.ParseQueryString(call.Query);
        Assert.Equal(("open", "1"), (query["status"], query["page"]));
        Assert.Empty(s.Chatwoot.Chatwoot.Unexpected);
    }

    [Theory]
    [InlineData("data", false)]
    [InlineData("payload", false)]
    [InlineData("array", true)]
    public async Task Every_known_shape_of_the_conversation_list_is_read(string shape, bool isoTimestamps)
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, "Hello?");
        ServeOpen(s, [Listed(42, DateTimeOffset.UtcNow, isoTimestamps: isoTimestamps)], shape);

        var result = await Reconciler(s).RunRoundAsync(Ct);
        await s.WaitForNotificationAsync();

        Assert.Equal(new ReconcileResult(1, 1, 1), result);
    }

    [Fact]
    public async Task A_conversation_whose_webhook_arrived_is_not_notified_again()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, "My VM is down");
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.WaitForNotificationAsync();
        await s.Chatwoot.WaitIdleAsync();
        ServeOpen(s, [Listed(42, DateTimeOffset.UtcNow)]);

        var first = await Reconciler(s).RunRoundAsync(Ct);
        var second = await Reconciler(s).RunRoundAsync(Ct);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(new ReconcileResult(1, 1, 0), first);
        Assert.Equal(new ReconcileResult(1, 1, 0), second);
        Assert.Single(s.Notifications());
        Assert.Equal(["webhook"], await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs"));
    }

    [Fact]
    public async Task A_conversation_resolved_and_reopened_with_the_webhook_lost_is_notified_for_its_new_episode()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, "My VM is down");
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.WaitForNotificationAsync();
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "resolved", "open"));
        await s.Chatwoot.WaitIdleAsync();
        // Reopened later; that webhook was lost. Chatwoot lists the conversation after our last news of it.
        await Task.Delay(20, Ct);
        ServeOpen(s, [Listed(42, DateTimeOffset.UtcNow)]);

        var result = await Reconciler(s).RunRoundAsync(Ct);
        await s.WaitForNotificationAsync(2);

        Assert.Equal(1, result.Recovered);
        Assert.Equal(["webhook", "reconcile"], await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs ORDER BY id"));
    }

    [Fact]
    public async Task Old_activity_and_conversations_we_never_saw_are_left_alone_and_paging_stops_past_the_window()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(43, "An old question");
        var now = DateTimeOffset.UtcNow;
        // 25 recent conversations nobody told us about (an inbox without the bot), then one known but quiet for two hours.
        var listed = Enumerable.Range(100, 25).Select(id => Listed(id, now.AddMinutes(-1), inboxId: 9)).Append(Listed(43, now.AddHours(-2))).ToList();
        ServeOpen(s, listed);

        var result = await Reconciler(s).RunRoundAsync(Ct);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(new ReconcileResult(26, 25, 0), result);
        Assert.Equal(["1", "2"], ListCalls(s).Select(r => System.Web.HttpUtility.ParseQueryString(r.Query)["page"]).ToList());
        Assert.Empty(s.Sent());
        Assert.Empty(await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs"));
    }

    [Fact]
    public async Task Pages_are_read_until_an_empty_one_and_bounded()
    {
        await using var s = await Start(settings: new Dictionary<string, string?> { ["Notifications:ReconcileMaxPages"] = "2" });
        ServeOpen(s, Enumerable.Range(100, 60).Select(id => Listed(id, DateTimeOffset.UtcNow)).ToList());

        var result = await Reconciler(s).RunRoundAsync(Ct);

        Assert.Equal(50, result.Listed);
        Assert.Equal(2, ListCalls(s).Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(401)]
    public async Task Chatwoot_down_or_refusing_the_token_does_no_harm_and_a_later_round_recovers(int status)
    {
        await using var s = await Start(interval: "00:00:01");
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, "My VM is down");
        s.Chatwoot.Chatwoot.On("GET", ListPath, new FakeResponse(status, """{"error":"nope"}"""));

        var direct = await Reconciler(s).RunRoundAsync(Ct);
        await s.Chatwoot.Chatwoot.WaitForAsync(_ => ListCalls(s).Count >= 3);
        var health = await s.Client.GetAsync(new Uri("/healthz", UriKind.Relative), Ct);
        Assert.Equal(new ReconcileResult(0, 0, 0), direct);
        Assert.True(health.IsSuccessStatusCode);
        Assert.Empty(s.Sent());

        ServeOpen(s, [Listed(42, DateTimeOffset.UtcNow)]);
        await s.WaitForNotificationAsync();
        await s.Chatwoot.WaitIdleAsync();
        Assert.Single(s.Notifications());
    }

    [Theory]
    [InlineData("00:00:00", UserToken)]
    [InlineData("00:00:01", "")]
    public async Task A_zero_interval_or_no_user_token_turns_it_off(string interval, string token)
    {
        await using var s = await Start(interval: interval, settings: new Dictionary<string, string?> { ["Chatwoot:ApiAccessToken"] = token });
        await s.ConfigureProviderAsync("telegram");
        await s.CustomerSaysAsync(42, "My VM is down");
        ServeOpen(s, [Listed(42, DateTimeOffset.UtcNow)]);

        await Task.Delay(2500, Ct);

        Assert.False(Reconciler(s).IsEnabled);
        Assert.Empty(ListCalls(s));
        Assert.Empty(s.Sent());
    }

    [Fact]
    public async Task A_pending_conversation_whose_customer_message_never_reached_the_bot_is_answered_once()
    {
        // keep_pending_on_bot_failure: the bot's delivery of Ada's message failed, Chatwoot kept the conversation pending.
        await using var s = await Start();
        ServePending(s, (42, 3, ListedMessage(0, 2001, TimeSpan.FromMinutes(5))));

        var first = await Reconciler(s).RunRoundAsync(Ct);
        await s.Chatwoot.WaitIdleAsync();
        var second = await Reconciler(s).RunRoundAsync(Ct);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal((1, 0), (first.Missed, second.Missed));
        var decision = (await s.Chatwoot.QueryAsync<(long MessageId, string Question)>("SELECT message_id, question FROM bot_decisions")).Single();
        Assert.Equal((2001L, "Bonjour ! Est-ce que ça marche avec <b>Tom</b> & Jerry ?"), decision);
        Assert.Single(s.Chatwoot.Posted());
        Assert.Equal(["message_created:2001"], await s.Chatwoot.QueryAsync<string>("SELECT event_key FROM webhook_inbox WHERE event_type = 'chatwoot.message_created'"));
        Assert.All(ListCalls(s, "pending"), r => Assert.Equal(UserToken, r.Header("api_access_token")));
    }

    [Fact]
    public async Task Recent_answered_or_not_the_bots_pending_conversations_are_left_alone()
    {
        await using var s = await Start();
        // 44: the bot decided on 2044 when it came. 46: a person replied while it was pending.
        await s.Chatwoot.SendAsync(s.Chatwoot.Message("My VM is down", conversationId: 44, messageId: 2044));
        await s.Chatwoot.SendAsync(s.Chatwoot.Message("Bonjour", conversationId: 46, messageId: 2046, status: "open"));
        await ChatwootFixture.Load("4.15", "message_created_outgoing_agent_reply").Replace("\"id\":42,", "\"id\":46,")
            .Replace("\"status\":\"open\"", "\"status\":\"pending\"").SendAsync(s.Chatwoot);
        await s.Chatwoot.WaitIdleAsync();
        var posted = s.Chatwoot.Chatwoot.Received("POST", "/messages").Count;
        ServePending(s,
            (43, 3, ListedMessage(0, 2043, TimeSpan.FromSeconds(10))), // too recent: its delivery may be under way
            (44, 3, ListedMessage(0, 2044, TimeSpan.FromMinutes(5))),
            (45, 9, ListedMessage(0, 2045, TimeSpan.FromMinutes(5))), // an inbox the bot does not serve, never seen
            (46, 3, ListedMessage(0, 2047, TimeSpan.FromMinutes(5))),
            (47, 3, ListedMessage(2, 2048, TimeSpan.FromMinutes(5)))); // the bot's own message is the last

        var result = await Reconciler(s).RunRoundAsync(Ct);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(0, result.Missed);
        Assert.Equal(posted, s.Chatwoot.Chatwoot.Received("POST", "/messages").Count);
        Assert.Empty(await s.Chatwoot.QueryAsync<string>("SELECT event_key FROM webhook_inbox WHERE event_key LIKE 'message_created:%'"));
    }

    [Fact]
    public async Task Replicas_sharing_the_database_take_turns()
    {
        await using var s = await Start();
        var reconciler = Reconciler(s);

        Assert.True(await reconciler.TryClaimRoundAsync(TimeSpan.FromMinutes(4), Ct));
        Assert.False(await reconciler.TryClaimRoundAsync(TimeSpan.FromMinutes(4), Ct));
        Assert.True(await reconciler.TryClaimRoundAsync(TimeSpan.Zero, Ct));
    }
}

public sealed class ReconciliationTestsOnSqlite() : ReconciliationTests(DatabaseKind.Sqlite);

public sealed class ReconciliationTestsOnPostgres() : ReconciliationTests(DatabaseKind.Postgres);
