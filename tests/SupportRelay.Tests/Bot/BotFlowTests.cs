using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Bot;

/// <summary>From a Chatwoot webhook to a reply or a handoff, through the real database and a fake Chatwoot.</summary>
public abstract class BotFlowTests(DatabaseKind database)
{
    private readonly DatabaseKind _database = database;

    private Task<ChatwootScenario> Start(IDictionary<string, string?>? settings = null, bool withLlm = false, IReadOnlyList<object>? articles = null) =>
        ChatwootScenario.StartAsync(settings, withLlm, articles, _database);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_question_is_answered_from_the_articles_with_sources()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("My virtual machine does not boot, how do I restart it?"));
        var posted = await s.WaitForPostsAsync(1);

        var body = posted[0].Json;
        var content = body.GetProperty("content").GetString()!;
        Assert.Equal("outgoing", body.GetProperty("message_type").GetString());
        Assert.False(body.GetProperty("private").GetBoolean());
        Assert.Equal(ChatwootScenario.BotToken, posted[0].Header("api_access_token"));
        Assert.Contains("Restart", content, StringComparison.Ordinal);
        Assert.Contains($"{s.Chatwoot.BaseUrl}hc/help/articles/restart-vm", content, StringComparison.Ordinal);
        Assert.Contains("agent", content, StringComparison.Ordinal);
        await s.WaitIdleAsync();
        Assert.Empty(s.Toggled());

        var decision = (await s.QueryAsync<(string Outcome, string Reason, string ArticleIds)>("SELECT outcome, reason, article_ids FROM bot_decisions")).Single();
        Assert.Equal(("answered", "answered"), (decision.Outcome, decision.Reason));
        Assert.StartsWith("[\"1\"", decision.ArticleIds, StringComparison.Ordinal);
        Assert.DoesNotContain(s.Chatwoot.Unexpected, r => !r.Path.StartsWith("/api/v1/accounts/7/portals", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("I want to talk to a human please")]
    [InlineData("agent")]
    [InlineData("Je voudrais parler à un conseiller")]
    public async Task Asking_for_a_person_hands_off(string question)
    {
        await using var s = await Start();

        await s.SendAsync(s.Message(question));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        Assert.Single(s.Posted());
        Assert.Equal("open", s.Toggled().Single().Json.GetProperty("status").GetString());
        Assert.Equal(ChatwootScenario.BotToken, s.Toggled().Single().Header("api_access_token"));
        // The message reaches the customer before the conversation changes hands.
        var requests = s.Chatwoot.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Contains("/messages", requests[0].Path, StringComparison.Ordinal);
        var handoff = (await s.QueryAsync<(string Reason, string Source)>("SELECT reason, source FROM handoffs")).Single();
        Assert.Equal(("customer_request", "bot"), handoff);
    }

    [Theory]
    [InlineData("please refund last month, we were charged twice")]
    [InlineData("production returns 502 since 10 minutes, app acme-prod, help")]
    public async Task Asking_for_what_only_a_person_can_do_hands_off(string question)
    {
        await using var s = await Start();

        await s.SendAsync(s.Message(question));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        Assert.StartsWith("I'm passing", s.Posted().Single().Json.GetProperty("content").GetString(), StringComparison.Ordinal);
        var handoff = (await s.QueryAsync<(string Reason, string Source)>("SELECT reason, source FROM handoffs")).Single();
        Assert.Equal(("person_only", "bot"), handoff);
    }

    [Fact]
    public async Task Messages_written_while_the_handoff_is_on_its_way_are_left_to_the_person()
    {
        await using var s = await Start();
        var failures = 3;
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", _ =>
            Interlocked.Decrement(ref failures) >= 0 ? new FakeResponse(503, "busy") : FakeResponse.Json(new { id = 1 }));

        await s.SendAsync(s.Message("I want to talk to a human"));
        await s.Chatwoot.WaitForAsync("POST", "/conversations/42/messages");
        // Chatwoot has not opened the conversation yet, so the customer's next messages still say pending.
        await s.SendAsync(s.Message("hello?"));
        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status", timeout: TimeSpan.FromSeconds(20));
        await s.WaitIdleAsync();

        var delivered = s.Posted().Where(r => r.Json.GetProperty("content").GetString()!.StartsWith("I'm passing", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, s.Posted().Count);
        Assert.Equal(4, delivered.Count);
        Assert.Single(await s.QueryAsync<long>("SELECT id FROM bot_decisions"));
    }

    [Fact]
    public async Task A_word_that_contains_agent_is_not_a_request_for_a_person()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("Where is invoice management in the billing page?"));
        await s.WaitForPostsAsync(1);
        await s.WaitIdleAsync();

        Assert.Empty(s.Toggled());
        Assert.Equal("answered", (await s.QueryAsync<string>("SELECT outcome FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task A_question_the_articles_do_not_cover_hands_off_without_calling_the_llm()
    {
        await using var s = await Start(withLlm: true);
        s.LlmAnswers("""{"answered": true, "answer": "x", "sources": ["1"]}""");

        await s.SendAsync(s.Message("What will the weather be in Lisbon tomorrow afternoon?"));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        Assert.Empty(s.Llm!.Requests);
        Assert.Equal("low_confidence", (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());
    }

    [Theory]
    [InlineData("outgoing", "pending", false, "Here is an answer from an agent")]
    [InlineData("incoming", "pending", true, "a private note about the VM restart")]
    [InlineData("activity", "pending", false, "Conversation was marked resolved")]
    [InlineData("incoming", "open", false, "How do I restart my VM? (a human owns this conversation)")]
    [InlineData("incoming", "resolved", false, "How do I restart my VM?")]
    [InlineData("incoming", "pending", false, "   ")]
    public async Task Messages_the_bot_must_not_answer_are_left_alone(string type, string status, bool isPrivate, string content)
    {
        await using var s = await Start();

        await s.SendAsync(s.Message(content, messageType: type, status: status, isPrivate: isPrivate));
        await s.WaitIdleAsync();
        await Task.Delay(200, Ct);

        Assert.Empty(s.Posted());
        Assert.Empty(await s.QueryAsync<string>("SELECT outcome FROM bot_decisions"));
    }

    [Fact]
    public async Task A_message_with_only_an_attachment_is_handed_to_a_person_in_the_customers_language()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Bot:Texts:fr:HandoffMessage"] = "Un conseiller regarde votre pièce jointe." });
        var message = s.Message("", locale: "fr");
        // As Chatwoot sends a screenshot without text: no content, an attachments array.
        message["content"] = null;
        message["attachments"] = new JsonArray(new JsonObject
        {
            ["id"] = 9, ["message_id"] = message["id"]!.GetValue<long>(), ["file_type"] = "image", ["account_id"] = 7,
            ["data_url"] = "https://chatwoot.example.com/rails/active_storage/blobs/redirect/screenshot.png", ["file_size"] = 48213,
        });

        await s.SendAsync(message);
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        Assert.Equal("Un conseiller regarde votre pièce jointe.", s.Posted().Single().Json.GetProperty("content").GetString());
        Assert.Equal("attachment", (await s.QueryAsync<string>("SELECT reason FROM handoffs")).Single());
        // The history, and so the provider's summary, says the customer sent something.
        Assert.Equal("[an attachment]", (await s.QueryAsync<string>("SELECT content FROM conversation_messages")).Single());
    }

    [Fact]
    public async Task The_bots_own_messages_are_never_answered()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("Restart your VM from the console.", messageType: "outgoing", senderType: "agent_bot"));
        await s.WaitIdleAsync();

        Assert.Empty(s.Posted());
        Assert.Equal("assistant", (await s.QueryAsync<string>("SELECT role FROM conversation_messages")).Single());
    }

    [Fact]
    public async Task The_same_message_under_two_delivery_ids_is_answered_once()
    {
        await using var s = await Start();
        var message = s.Message("How do I configure a custom domain?");

        await s.SendAsync(message);
        await s.SendAsync(message);
        await s.SendAsync(message, deliveryId: "fixed");
        await s.SendAsync(message, deliveryId: "fixed");
        await s.WaitForPostsAsync(1);
        await s.WaitIdleAsync();
        await Task.Delay(300, Ct);

        Assert.Single(s.Posted());
        Assert.Single(await s.QueryAsync<long>("SELECT id FROM bot_decisions"));
    }

    [Theory]
    [InlineData("hi", "greeting")]
    [InlineData("Hello there!", "greeting")]
    [InlineData("thanks a lot!", "thanks")]
    [InlineData("Merci beaucoup", "thanks")]
    public async Task A_bare_greeting_gets_a_friendly_reply_not_a_handoff(string message, string reason)
    {
        await using var s = await Start();

        await s.SendAsync(s.Message(message));
        await s.WaitForPostsAsync(1);
        await s.WaitIdleAsync();

        Assert.Empty(s.Toggled());
        Assert.Equal(reason, (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task The_bot_speaks_the_customers_language()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Bot:Texts:de:HandoffMessage"] = "Einen Moment, ein Kollege übernimmt." });

        await s.SendAsync(s.Message("bonjour", conversationId: 90, locale: "fr-FR"));
        await s.SendAsync(s.Message("Je voudrais parler à un conseiller, s'il vous plaît", conversationId: 91));
        await s.SendAsync(s.Message("Ich möchte bitte mit einem Mitarbeiter sprechen", conversationId: 92));
        await s.SendAsync(s.Message("I want to talk to a human", conversationId: 93));

        Assert.StartsWith("Bonjour !", (await s.WaitForPostsAsync(1, 90))[0].Json.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Je transmets votre conversation", (await s.WaitForPostsAsync(1, 91))[0].Json.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("Einen Moment, ein Kollege übernimmt.", (await s.WaitForPostsAsync(1, 92))[0].Json.GetProperty("content").GetString());
        Assert.StartsWith("I'm passing your conversation", (await s.WaitForPostsAsync(1, 93))[0].Json.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_greeting_with_a_question_is_answered_as_a_question()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("hi, my VM won't boot"));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains("restart-vm", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flooding_customer_cannot_make_the_bot_flood_chatwoot()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Bot:MaxRepliesPerMinute"] = "3" });

        for (var i = 0; i < 10; i++)
        {
            await s.SendAsync(s.Message($"How do I restart my VM? attempt {i}"));
        }

        await s.WaitIdleAsync();
        await Task.Delay(300, Ct);

        Assert.Equal(3, s.Posted().Count);
        Assert.Equal(7, (await s.QueryAsync<long>("SELECT COUNT(*) FROM bot_decisions WHERE outcome = 'throttled'")).Single());
    }

    [Fact]
    public async Task A_follow_up_question_is_understood_from_the_conversation()
    {
        await using var s = await Start();

        await s.SendAsync(s.Message("How do I restore a PostgreSQL database backup?", conversationId: 50));
        await s.WaitForPostsAsync(1, conversationId: 50);
        await s.SendAsync(s.Message("and how long are they kept?", conversationId: 50));
        var posted = await s.WaitForPostsAsync(2, conversationId: 50);

        Assert.Contains("backups", posted[1].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_ascii_text_survives_the_round_trip()
    {
        var articles = new object[]
        {
            new { id = 10, title = "Redémarrer une machine virtuelle 🚀", slug = "redemarrer", locale = "fr",
                  content = "Si votre machine virtuelle ne démarre pas, ouvrez la console et cliquez sur « Redémarrer ». Ça prend une minute ✅." },
        };
        await using var s = await Start(new Dictionary<string, string?> { ["Chatwoot:DefaultLocale"] = "fr" }, articles: []);
        s.ServeArticles(ChatwootScenario.Portal, "fr", articles);

        await s.SendAsync(s.Message("Ma machine virtuelle ne démarre pas, comment la redémarrer ? 😢", locale: "fr"));
        var posted = await s.WaitForPostsAsync(1);

        var content = posted[0].Json.GetProperty("content").GetString()!;
        Assert.Contains("« Redémarrer »", content, StringComparison.Ordinal);
        Assert.Contains("✅", content, StringComparison.Ordinal);
        Assert.Equal("Ma machine virtuelle ne démarre pas, comment la redémarrer ? 😢", (await s.QueryAsync<string>("SELECT question FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task The_customers_locale_falls_back_to_the_default_when_the_portal_lacks_it()
    {
        await using var s = await Start();
        s.ServeArticles(ChatwootScenario.Portal, "de", []);

        // Too few words to tell a language: the conversation's locale decides (a whole English question would go to English first).
        await s.SendAsync(s.Message("virtual machine restart", locale: "de-DE"));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains("restart-vm", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Single(s.Chatwoot.Received("GET", "/hc/help/de/articles.json"));
        Assert.Equal("en", (await s.QueryAsync<string>("SELECT locale FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task Every_article_is_read_once_in_one_request_though_positions_tie_across_categories()
    {
        // Chatwoot counts positions per category (10, 20, ...) and orders by position alone: across 25 categories
        // every position is shared, and a page of such a list repeats or skips articles from one request to the next.
        var many = Enumerable.Range(1, 250)
            .Select(i => (object)new { id = i, title = $"Filler article {i}", slug = $"a{i}", content = $"Nothing relevant number {i}.", position = 10 * (1 + (i % 10)),
                category = new { id = i % 25, slug = $"c{i % 25}", locale = "en" } })
            .Append(new { id = 999, title = "Rotate the API key", slug = "rotate-key", content = "To rotate your API key, open Settings, then API, and click Regenerate.", position = 10,
                category = new { id = 0, slug = "c0", locale = "en" } })
            .ToList();
        await using var s = await Start(articles: many);

        await s.SendAsync(s.Message("How can I rotate my API key?"));
        var posted = await s.WaitForPostsAsync(1);
        var set = await s.App.Services.GetRequiredService<SupportRelay.HelpCenter.ArticleCatalog>().GetAsync(ChatwootScenario.Portal, "en", Ct);

        Assert.Contains("rotate-key", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        var request = Assert.Single(s.Chatwoot.Received("GET", "/articles.json"));
        Assert.DoesNotContain("per_page", request.Query, StringComparison.Ordinal);
        Assert.Equal(251, set.Articles.Count);
        Assert.Equal(251, set.Articles.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_list_shorter_than_the_count_chatwoot_declares_is_used_and_logged()
    {
        await using var s = await Start();
        s.Chatwoot.On("GET", "/hc/help/en/articles.json", FakeResponse.Json(new
        {
            payload = new[] { new { id = 1, title = "Restart a virtual machine", slug = "restart-vm", content = "Open the console and click Restart.", position = 10 } },
            meta = new { articles_count = 40 },
        }));

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.WaitForPostsAsync(1);

        Assert.Contains(s.App.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("listed 1 articles but says it has 40", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Articles_are_cached_and_served_stale_when_chatwoot_is_down()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Chatwoot:ArticleCacheTtl"] = "00:00:01" });

        await s.SendAsync(s.Message("How do I restart my VM?", conversationId: 60));
        await s.WaitForPostsAsync(1, conversationId: 60);
        await s.SendAsync(s.Message("How do I configure a custom domain?", conversationId: 61));
        await s.WaitForPostsAsync(1, conversationId: 61);
        Assert.Single(s.Chatwoot.Received("GET", "/articles.json"));

        await Task.Delay(1200, Ct);
        s.Chatwoot.On("GET", "/hc/help/en/articles.json", new FakeResponse(503, "down"));
        await s.SendAsync(s.Message("Where do I download invoices?", conversationId: 62));
        var posted = await s.WaitForPostsAsync(1, conversationId: 62);

        Assert.Contains("billing", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Empty(s.Toggled(62));
    }

    [Fact]
    public async Task When_the_help_center_cannot_be_read_at_all_the_conversation_is_handed_off()
    {
        await using var s = await Start();
        s.Chatwoot.On("GET", "/hc/help/en/articles.json", new FakeResponse(500, "boom"));

        await s.SendAsync(s.Message("How do I restart my VM?"));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        Assert.Equal("help_center_unavailable", (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task A_failed_post_is_retried_and_delivered_once()
    {
        await using var s = await Start();
        var failures = 2;
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", r =>
            Interlocked.Decrement(ref failures) >= 0 ? new FakeResponse(500, "oops") : FakeResponse.Json(new { id = 1 }));

        await s.SendAsync(s.Message("How do I restart my VM?"));
        await s.WaitIdleAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(3, s.Posted().Count);
        Assert.Equal("sent", (await s.QueryAsync<string>("SELECT state FROM outbox")).Single());
    }

    [Fact]
    public async Task A_post_that_timed_out_but_was_created_is_not_posted_again()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Chatwoot:UnknownOutcomeDelay"] = "00:00:02" });
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", new FakeResponse(200, """{"id":1}""", Delay: TimeSpan.FromSeconds(5)));

        await s.SendAsync(s.Message("How do I restart my VM?"));
        var first = await s.WaitForPostsAsync(1);
        // Chatwoot created it after all, and tells the bot about its own message.
        var echo = first[0].Json.GetProperty("content").GetString()!;
        await Task.Delay(2500, Ct);
        await s.SendAsync(s.Message(echo, messageType: "outgoing", senderType: "agent_bot"));
        await s.WaitIdleAsync(TimeSpan.FromSeconds(20));

        Assert.Single(s.Posted());
        Assert.Equal("sent", (await s.QueryAsync<string>("SELECT state FROM outbox")).Single());
    }

    [Fact]
    public async Task A_permanent_chatwoot_error_stops_the_retries()
    {
        await using var s = await Start();
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", new FakeResponse(404, """{"error":"not found"}"""));

        await s.SendAsync(s.Message("How do I restart my VM?"));
        await s.WaitIdleAsync();

        Assert.Single(s.Posted());
        var row = (await s.QueryAsync<(string State, string LastError)>("SELECT state, last_error FROM outbox")).Single();
        Assert.Equal("failed", row.State);
        Assert.Contains("404", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_stored_before_a_stop_are_processed_after_the_restart()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" });
        await s.SendAsync(s.Message("How do I restart my VM?", conversationId: 70));
        await s.SendAsync(s.Message("I want to talk to a human", conversationId: 71));
        await Task.Delay(300, Ct);
        Assert.Empty(s.Chatwoot.Received("POST", "/api/"));

        await s.RestartAsync(new Dictionary<string, string?> { ["Workers:Enabled"] = "true" });
        _ = s.App.Start();
        await s.WaitForPostsAsync(1, conversationId: 70);
        await s.Chatwoot.WaitForAsync("POST", "/conversations/71/toggle_status");
        await s.WaitIdleAsync();

        Assert.Single(s.Posted(70));
        Assert.Single(s.Posted(71));
    }

    [Fact]
    public async Task A_poison_event_does_not_stop_the_worker()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" });
        await s.SendAsync(s.Message("How do I restart my VM?", conversationId: 80));
        // Corrupt the stored event the way a bug or a disk error might.
        await s.QueryAsync<long>("UPDATE webhook_inbox SET payload = '{\"event\":\"message_created\"' RETURNING id");
        await s.SendAsync(s.Message("How do I configure a custom domain?", conversationId: 81));

        await s.RestartAsync(new Dictionary<string, string?> { ["Workers:Enabled"] = "true" });
        _ = s.App.Start();
        await s.WaitForPostsAsync(1, conversationId: 81);
        await s.WaitIdleAsync();

        Assert.Equal("failed", (await s.QueryAsync<string>("SELECT state FROM webhook_inbox ORDER BY id LIMIT 1")).Single());
    }

    [Fact]
    public async Task The_provider_of_a_contract_picks_the_portal()
    {
        await using var s = await Start();
        var pubkey = new string('a', 64);
        await s.QueryAsync<long>($"INSERT INTO contracts (contract_id, provider_pubkey, updated_at) VALUES ('c-1', '{pubkey}', 0) RETURNING 1");
        await s.QueryAsync<long>($"INSERT INTO notification_configs (provider_pubkey, chatwoot_portal_slug, notify_via, updated_at) VALUES ('{pubkey}', 'acme', 'email', 0) RETURNING 1");
        s.ServeArticles("acme", "en", [new { id = 77, title = "Acme restart guide", slug = "acme-restart", content = "Acme machines restart with the big red button." }]);

        await s.SendAsync(s.Message("How do I restart my machine?", customAttributes: new JsonObject { ["contract_id"] = "c-1" }));
        await s.Chatwoot.WaitForAsync("POST", "/messages");
        await s.WaitIdleAsync();

        Assert.Contains("acme-restart", s.Posted()[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal(pubkey, (await s.QueryAsync<string>("SELECT provider_pubkey FROM bot_decisions")).Single());
    }

    [Theory]
    [InlineData("true", true, "acme-restart")]
    [InlineData("true", false, "restart-vm")]
    [InlineData("false", true, "restart-vm")]
    [InlineData(null, true, "restart-vm")]
    public async Task The_provider_pubkey_attribute_is_trusted_only_when_the_operator_says_so_and_only_for_an_enrolled_provider(string? trust, bool enrolled, string expectedArticle)
    {
        await using var s = await Start(trust is null ? null : new Dictionary<string, string?> { ["Bot:TrustProviderPubkeyAttribute"] = trust });
        var pubkey = new string('b', 64);
        await s.QueryAsync<long>($"INSERT INTO notification_configs (provider_pubkey, chatwoot_portal_slug, notify_via, updated_at) VALUES ('{pubkey}', 'acme', 'email', 0) RETURNING 1");
        await s.QueryAsync<long>($"INSERT INTO providers (pubkey, created_at, enrolled_at) VALUES ('{pubkey}', 0, {(enrolled ? "0" : "NULL")}) RETURNING 1");
        s.ServeArticles("acme", "en", [new { id = 77, title = "Acme restart guide", slug = "acme-restart", content = "Acme machines restart with the big red button." }]);

        await s.SendAsync(s.Message("How do I restart my virtual machine?", customAttributes: new JsonObject { ["provider_pubkey"] = pubkey }));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains(expectedArticle, posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_portal_the_conversation_is_handed_off()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Chatwoot:DefaultPortalSlug"] = "" });

        await s.SendAsync(s.Message("How do I restart my VM?"));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");

        Assert.Equal("no_portal", (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());
    }
}

public sealed class BotFlowTestsOnSqlite() : BotFlowTests(DatabaseKind.Sqlite);

public sealed class BotFlowTestsOnPostgres() : BotFlowTests(DatabaseKind.Postgres);
