using System.Net;
using System.Text.Json.Nodes;
using SupportRelay.Telegram;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Telegram;

/// <summary>The Telegram bridge: the webhook's guard, linking, replies and notes into Chatwoot, buttons, polling.</summary>
public abstract class TelegramBridgeTests(DatabaseKind database)
{
    private readonly DatabaseKind _database = database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<NotificationScenario> Start(IDictionary<string, string?>? settings = null) => NotificationScenario.StartAsync(_database, settings);

    /// <summary>A provider on Telegram notified of conversation 42; returns the notification's message id.</summary>
    private static async Task<int> NotifiedAsync(NotificationScenario s)
    {
        await s.ConfigureProviderAsync("telegram");
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.WaitForNotificationAsync();
        await s.Chatwoot.WaitIdleAsync();
        return (int)(await s.Chatwoot.QueryAsync<long>("SELECT message_id FROM telegram_message_links")).Single();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    [InlineData("")]
    public async Task A_missing_or_wrong_secret_is_401(string? secret)
    {
        await using var s = await Start();

        var response = await s.SendUpdateAsync(NotificationScenario.TextMessage(1, "/start"), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await s.Chatwoot.QueryAsync<string>("SELECT event_key FROM webhook_inbox"));
    }

    [Fact]
    public async Task Without_a_configured_secret_every_update_is_refused()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Telegram:WebhookSecret"] = "" });

        var response = await s.SendUpdateAsync(NotificationScenario.TextMessage(1, "/start"), secret: "");
        var withSomething = await s.SendUpdateAsync(NotificationScenario.TextMessage(1, "/start"), secret: "anything");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withSomething.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"message\":{}}")]
    [InlineData("{\"update_id\":\"12\"}")]
    [InlineData("""{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":77,"type":"private"},"text":"\ud800"}}""")]
    public async Task A_malformed_update_is_400(string body)
    {
        await using var s = await Start();

        var response = await s.SendRawUpdateAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("\"77\"")]
    [InlineData("true")]
    [InlineData("{}")]
    public async Task A_chat_id_of_another_type_is_stored_not_a_crash(string chatId)
    {
        await using var s = await Start();

        var response = await s.SendRawUpdateAsync($$$"""{"update_id":5,"message":{"message_id":1,"date":1,"chat":{"id":{{{chatId}}},"type":"private"},"text":"hi"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_update_of_a_kind_we_do_not_use_is_acknowledged_and_ignored()
    {
        await using var s = await Start();

        var response = await s.SendRawUpdateAsync("""{"update_id": 5, "my_chat_member": {"chat": {"id": 3}}}""");
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(s.Sent());
    }

    [Fact]
    public async Task A_duplicate_update_is_handled_once()
    {
        await using var s = await Start();
        var update = NotificationScenario.TextMessage(555, "/start", updateId: 77_001);

        var first = await s.SendUpdateAsync(update);
        var second = await s.SendUpdateAsync(update);
        await s.WaitForAnswerAsync(555);
        await s.Chatwoot.WaitIdleAsync();
        await Task.Delay(200, Ct);

        Assert.Equal("accepted", NotificationScenario.Json(await first.Content.ReadAsStringAsync(Ct)).GetProperty("status").GetString());
        Assert.Equal("duplicate", NotificationScenario.Json(await second.Content.ReadAsStringAsync(Ct)).GetProperty("status").GetString());
        Assert.Single(s.AnswersTo(555));
    }

    [Fact]
    public async Task Start_with_a_code_links_the_chat_and_a_bare_start_tells_the_chat_id()
    {
        await using var s = await Start();
        await s.Chatwoot.QueryAsync<long>(
            """
            INSERT INTO providers (pubkey, created_at) VALUES (@p, 0);
            INSERT INTO notification_configs (provider_pubkey, notify_via, telegram_chat_id, updated_at) VALUES (@p, 'telegram', 1, 0);
            INSERT INTO telegram_link_codes (code, provider_pubkey, created_at, expires_at) VALUES ('code_ABC-123', @p, 0, 99999999999999);
            SELECT 1
            """, new { p = NotificationScenario.Provider });

        await s.SendUpdateAsync(NotificationScenario.TextMessage(31337, "/start"));
        var bare = await s.WaitForAnswerAsync(31337);
        await s.SendUpdateAsync(NotificationScenario.TextMessage(31337, "/start code_ABC-123"));
        var linked = await s.WaitForAnswerAsync(31337, 2);
        await s.SendUpdateAsync(NotificationScenario.TextMessage(4444, "/start code_ABC-123"));
        var reused = await s.WaitForAnswerAsync(4444);

        Assert.Contains("31337", bare, StringComparison.Ordinal);
        Assert.StartsWith("Linked", linked, StringComparison.Ordinal);
        Assert.Contains("already used", reused, StringComparison.Ordinal);
        Assert.Equal(31337L, (await s.Chatwoot.QueryAsync<long>("SELECT telegram_chat_id FROM notification_configs")).Single());
    }

    [Fact]
    public async Task A_reply_to_a_notification_is_posted_to_the_conversation_and_confirmed()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "Hi, I'm restarting your VM <now> & will confirm", replyTo: notification));
        var posted = (await s.Chatwoot.WaitForPostsAsync(1)).Single().Json;
        var confirmation = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);

        Assert.Equal("Hi, I'm restarting your VM <now> & will confirm", posted.GetProperty("content").GetString());
        Assert.Equal("outgoing", posted.GetProperty("message_type").GetString());
        Assert.False(posted.GetProperty("private").GetBoolean());
        Assert.Contains("Sent to the customer", confirmation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("note: check the logs", true, "check the logs")]
    [InlineData("Note : check the logs", true, "check the logs")]
    [InlineData("NOTE- check the logs", true, "check the logs")]
    [InlineData("note — check the logs", true, "check the logs")]
    [InlineData("  note:check the logs", true, "check the logs")]
    [InlineData("notebook is in the mail", false, "notebook is in the mail")]
    [InlineData("note-taking works now", false, "note-taking works now")]
    [InlineData("A note: we fixed it", false, "A note: we fixed it")]
    public async Task A_reply_that_starts_with_note_in_any_spelling_stays_a_private_note(string reply, bool isPrivate, string content)
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, reply, replyTo: notification));
        var posted = (await s.Chatwoot.WaitForPostsAsync(1)).Single().Json;

        Assert.Equal(isPrivate, posted.GetProperty("private").GetBoolean());
        Assert.Equal(content, posted.GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_chat_nobody_linked_gets_a_few_answers_an_hour_and_then_silence()
    {
        await using var s = await Start();
        const long Stranger = 31337;

        for (var i = 0; i < 10; i++)
        {
            await s.SendUpdateAsync(NotificationScenario.TextMessage(Stranger, $"spam {i}", messageId: 100 + i));
            await s.Chatwoot.WaitIdleAsync();
        }

        await s.SendUpdateAsync(NotificationScenario.TextMessage(Stranger, "/start", messageId: 200));
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(3, s.AnswersTo(Stranger).Count);
    }

    [Fact]
    public async Task A_linked_chat_is_answered_every_time()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");

        for (var i = 0; i < 5; i++)
        {
            await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, $"hello {i}", messageId: 100 + i));
            await s.Chatwoot.WaitIdleAsync();
        }

        Assert.Equal(5, s.AnswersTo(NotificationScenario.ProviderChat).Count);
    }

    /// <summary>A reply to <paramref name="notification"/> carrying <paramref name="media"/> (Bot API <c>photo</c>, <c>document</c>, <c>sticker</c>...).</summary>
    private static JsonObject MediaReply(int notification, string kind, JsonNode media, string? caption = null, int messageId = 78)
    {
        var update = NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "placeholder", replyTo: notification, messageId: messageId);
        var message = update["message"]!.AsObject();
        message.Remove("text");
        message[kind] = media;
        if (caption is not null)
        {
            message["caption"] = caption;
        }

        return update;
    }

    /// <summary>Serves a file the way the Bot API does: getFile gives its path, the file route its bytes.</summary>
    private static void ServeFile(NotificationScenario s, string fileId, string path, string bytes)
    {
        s.Telegram.On("POST", "/bot*/getFile", r => r.Json.GetProperty("file_id").GetString() == fileId
            ? FakeResponse.Json(new { ok = true, result = new { file_id = fileId, file_unique_id = "u-" + fileId, file_size = bytes.Length, file_path = path } })
            : new FakeResponse(400, """{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}"""));
        s.Telegram.On("GET", "/file/bot*/" + path, new FakeResponse(200, bytes, "application/octet-stream"));
    }

    private static JsonObject Photo(string fileId, int width, long size) =>
        new() { ["file_id"] = fileId, ["file_unique_id"] = "u-" + fileId, ["width"] = width, ["height"] = width, ["file_size"] = size };

    [Fact]
    public async Task A_photo_reply_is_posted_with_its_largest_size_attached_and_its_caption_as_text()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        ServeFile(s, "photo-large", "photos/file_7.jpg", "JPEG-BYTES-OF-A-SCREENSHOT");

        await s.SendUpdateAsync(MediaReply(notification, "photo", new JsonArray(Photo("photo-small", 90, 1_000), Photo("photo-large", 1280, 26)),
            caption: "Click here, then Restart"));
        var posted = (await s.Chatwoot.WaitForPostsAsync(1)).Single();
        var confirmation = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);

        Assert.StartsWith("multipart/form-data", posted.Header("content-type"), StringComparison.Ordinal);
        Assert.Matches("name=\"?content\"?\\r\\n(.*\\r\\n)*\\r\\nClick here, then Restart\\r\\n", posted.Body);
        Assert.Matches("name=\"?message_type\"?\\r\\n(.*\\r\\n)*\\r\\noutgoing\\r\\n", posted.Body);
        Assert.Matches("name=\"?private\"?\\r\\n(.*\\r\\n)*\\r\\nfalse\\r\\n", posted.Body);
        Assert.Matches("name=\"?attachments\\[\\]\"?; filename=\"?photo\\.jpg\"?", posted.Body);
        Assert.Contains("Content-Type: image/jpeg", posted.Body, StringComparison.Ordinal);
        Assert.Contains("JPEG-BYTES-OF-A-SCREENSHOT", posted.Body, StringComparison.Ordinal);
        Assert.Equal(ChatwootScenario.BotToken, posted.Header("api_access_token"));
        Assert.Equal("photo-large", s.Telegram.Received("POST", "/getFile").Single().Json.GetProperty("file_id").GetString());
        Assert.Contains("with your image", confirmation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_a_note_caption_becomes_a_private_note_with_the_file_and_its_name()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        ServeFile(s, "doc-1", "documents/file_9.log", "2026-11-25 ERROR disk full");

        await s.SendUpdateAsync(MediaReply(notification, "document",
            new JsonObject { ["file_id"] = "doc-1", ["file_unique_id"] = "u-doc-1", ["file_name"] = "../../etc/server\u0007.log", ["mime_type"] = "text/plain", ["file_size"] = 26 },
            caption: "note: the customer's log"));
        var posted = (await s.Chatwoot.WaitForPostsAsync(1)).Single();

        Assert.Matches("name=\"?private\"?\\r\\n(.*\\r\\n)*\\r\\ntrue\\r\\n", posted.Body);
        Assert.Matches("name=\"?content\"?\\r\\n(.*\\r\\n)*\\r\\nthe customer's log\\r\\n", posted.Body);
        // The sender's path and control characters are not passed on.
        Assert.Matches("filename=\"?server\\.log\"?", posted.Body);
        Assert.Contains("Content-Type: text/plain", posted.Body, StringComparison.Ordinal);
        Assert.Contains("2026-11-25 ERROR disk full", posted.Body, StringComparison.Ordinal);
        Assert.Contains("Private note", await s.WaitForAnswerAsync(NotificationScenario.ProviderChat), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_over_twenty_megabytes_and_a_sticker_are_refused_with_a_reason_and_nothing_is_posted()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);

        await s.SendUpdateAsync(MediaReply(notification, "document",
            new JsonObject { ["file_id"] = "big", ["file_unique_id"] = "u-big", ["file_name"] = "dump.sql", ["file_size"] = 25L * 1024 * 1024 }));
        var tooLarge = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        await s.SendUpdateAsync(MediaReply(notification, "sticker", new JsonObject
        {
            ["file_id"] = "st", ["file_unique_id"] = "u-st", ["type"] = "regular", ["width"] = 512, ["height"] = 512, ["is_animated"] = false, ["is_video"] = false,
        }, messageId: 79));
        var sticker = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat, 2);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Contains("20 MB", tooLarge, StringComparison.Ordinal);
        Assert.Contains("not stickers", sticker, StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
        Assert.Empty(s.Telegram.Received("POST", "/getFile"));
    }

    [Fact]
    public async Task A_file_telegram_will_not_serve_is_reported_to_the_provider_and_not_posted()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        ServeFile(s, "another-file", "documents/x.txt", "x");

        await s.SendUpdateAsync(MediaReply(notification, "document",
            new JsonObject { ["file_id"] = "gone", ["file_unique_id"] = "u-gone", ["file_name"] = "report.pdf", ["mime_type"] = "application/pdf", ["file_size"] = 1000 }));
        var answer = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Contains("could not be fetched", answer, StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
        Assert.Equal(["failed"], await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'telegram.reply'"));
    }

    [Fact]
    public async Task A_reply_starting_with_note_becomes_a_private_note()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "Note: customer is on the legacy plan", replyTo: notification));
        var posted = (await s.Chatwoot.WaitForPostsAsync(1)).Single().Json;

        Assert.Equal("customer is on the legacy plan", posted.GetProperty("content").GetString());
        Assert.True(posted.GetProperty("private").GetBoolean());
        Assert.Contains("Private note", await s.WaitForAnswerAsync(NotificationScenario.ProviderChat), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_from_a_chat_that_no_longer_owns_the_conversation_is_refused()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        // The provider linked another chat since: the old chat may not answer any more.
        await s.ConfigureProviderAsync("telegram", chatId: 999);

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "let me answer", replyTo: notification));
        var answer = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Contains("no longer the chat linked", answer, StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
    }

    [Fact]
    public async Task Another_chat_replying_with_the_same_message_id_reaches_nothing()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);

        await s.SendUpdateAsync(NotificationScenario.TextMessage(777, "I am someone else", replyTo: notification));
        var answer = await s.WaitForAnswerAsync(777);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Contains("not a handoff notification", answer, StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
    }

    [Fact]
    public async Task A_conversation_handed_to_another_provider_is_not_theirs_any_more()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "resolved", "open"));
        await s.MapContractAsync("C-B", new string('b', 64));
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "resolved",
            customAttributes: new System.Text.Json.Nodes.JsonObject { ["contract_id"] = "C-B" }));
        await s.Chatwoot.WaitIdleAsync();

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "answer", replyTo: notification));
        var answer = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);

        Assert.Contains("no longer yours", answer, StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
    }

    [Fact]
    public async Task A_reply_to_a_resolved_conversation_says_so()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "resolved", "open"));
        await s.Chatwoot.WaitIdleAsync();

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "late answer", replyTo: notification));

        Assert.Contains("resolved", await s.WaitForAnswerAsync(NotificationScenario.ProviderChat), StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
    }

    [Fact]
    public async Task Text_or_a_photo_that_replies_to_nothing_gets_a_hint()
    {
        await using var s = await Start();
        await NotifiedAsync(s);

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "hello?"));
        var hint = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, null, messageId: 78));
        var photoHint = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat, 2);

        Assert.Contains("reply to their notification", hint, StringComparison.Ordinal);
        Assert.Contains("as a reply to their notification", photoHint, StringComparison.Ordinal);
        Assert.Empty(s.Chatwoot.Posted());
        Assert.Empty(s.Telegram.Received("POST", "/getFile"));
    }

    [Fact]
    public async Task When_chatwoot_is_down_the_reply_is_queued_retried_and_not_lost()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        s.Chatwoot.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/*/messages", FakeResponse.Json(new { error = "down" }, 503));

        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, "I'm on it", replyTo: notification));
        var queued = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        s.Chatwoot.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/*/messages", r => FakeResponse.Json(new { id = 1, content = "x" }));
        var confirmation = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat, 2);

        Assert.Contains("queued", queued, StringComparison.Ordinal);
        Assert.Contains("Sent to the customer", confirmation, StringComparison.Ordinal);
        await s.Chatwoot.WaitIdleAsync();
        Assert.Equal("sent", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'telegram.reply'")).Single());
    }

    [Fact]
    public async Task When_chatwoot_is_down_a_photo_reply_is_fetched_again_and_posted_once_it_is_back()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        ServeFile(s, "photo-1", "photos/file_1.jpg", "JPEG");
        s.Chatwoot.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/*/messages", FakeResponse.Json(new { error = "down" }, 503));

        await s.SendUpdateAsync(MediaReply(notification, "photo", new JsonArray(Photo("photo-1", 800, 4))));
        Assert.Contains("queued", await s.WaitForAnswerAsync(NotificationScenario.ProviderChat), StringComparison.Ordinal);
        s.Chatwoot.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/*/messages", FakeResponse.Json(new { id = 2 }));
        var confirmation = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat, 2);

        Assert.Contains("with your image", confirmation, StringComparison.Ordinal);
        var posts = s.Chatwoot.Posted();
        Assert.True(posts.Count >= 2, "the first post failed, a later one went through");
        Assert.All(posts, p => Assert.Contains("JPEG", p.Body, StringComparison.Ordinal));
        Assert.Equal(posts.Count, s.Telegram.Received("POST", "/getFile").Count);
        await s.Chatwoot.WaitIdleAsync();
        Assert.Equal("sent", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'telegram.reply'")).Single());
    }

    [Fact]
    public async Task A_photo_post_that_timed_out_but_was_created_is_not_posted_again()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Chatwoot:UnknownOutcomeDelay"] = "00:00:02" });
        var notification = await NotifiedAsync(s);
        ServeFile(s, "photo-1", "photos/file_1.jpg", "JPEG");
        s.Chatwoot.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/42/messages",
            new FakeResponse(200, """{"id":1}""", Delay: TimeSpan.FromSeconds(5)));

        await s.SendUpdateAsync(MediaReply(notification, "photo", new JsonArray(Photo("photo-1", 800, 4))));
        await s.Chatwoot.WaitForPostsAsync(1);
        // Chatwoot created it after all, and tells the bot about its own message: no text, one attachment.
        await Task.Delay(2500, Ct);
        var echo = s.Chatwoot.Message("", messageType: "outgoing", senderType: "agent_bot");
        echo["content"] = null;
        echo["attachments"] = new JsonArray(new JsonObject { ["id"] = 5, ["file_type"] = "image" });
        await s.Chatwoot.SendAsync(echo);
        await s.Chatwoot.WaitUntilAsync("SELECT COUNT(*) FROM outbox WHERE kind = 'telegram.reply' AND state = 'sent'", 1, TimeSpan.FromSeconds(20));

        Assert.Single(s.Chatwoot.Posted());
    }

    [Theory]
    [InlineData("status:resolved", "resolved")]
    [InlineData("status:pending", "pending")]
    public async Task The_buttons_set_the_status_and_confirm(string data, string status)
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);

        await s.SendUpdateAsync(NotificationScenario.Button(NotificationScenario.ProviderChat, notification, data));
        var toggle = (await s.Chatwoot.Chatwoot.WaitForAsync("POST", "/toggle_status")).Single(r => r.Path.Contains("toggle_status", StringComparison.Ordinal));
        var confirmation = await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        await s.Telegram.WaitForAsync("POST", "/answerCallbackQuery");

        Assert.Equal(status, toggle.Json.GetProperty("status").GetString());
        Assert.Contains("#42", confirmation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_button_pressed_in_a_chat_that_does_not_own_the_conversation_changes_nothing()
    {
        await using var s = await Start();
        var notification = await NotifiedAsync(s);
        await s.ConfigureProviderAsync("telegram", chatId: 999);

        await s.SendUpdateAsync(NotificationScenario.Button(NotificationScenario.ProviderChat, notification, "status:resolved"));
        await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Empty(s.Chatwoot.Toggled());
    }

    [Fact]
    public async Task Polling_mode_feeds_getUpdates_into_the_same_inbox()
    {
        var telegram = 0;
        await using var s = await Start(new Dictionary<string, string?> { ["Telegram:Mode"] = "polling", ["Telegram:PollingTimeout"] = "00:00:00" });
        s.Telegram.On("POST", "/bot*/getUpdates", r => Interlocked.Increment(ref telegram) == 1
            ? new FakeResponse(200, """{"ok":true,"result":[{"update_id":123,"message":{"message_id":5,"date":1764000000,"chat":{"id":8080,"type":"private"},"text":"/start"}}]}""")
            : new FakeResponse(200, """{"ok":true,"result":[]}""", Delay: TimeSpan.FromMilliseconds(200)));
        s.Chatwoot.App.Start();

        var answer = await s.WaitForAnswerAsync(8080);

        Assert.Contains("8080", answer, StringComparison.Ordinal);
        Assert.NotEmpty(s.Telegram.Received("POST", "/deleteWebhook"));
        // The next poll asks for what follows, whenever it comes relative to the answer.
        await s.Telegram.WaitForAsync(all => all.Any(r => r.Path.EndsWith("/getUpdates", StringComparison.Ordinal)
            && r.Body.Contains("\"offset\":124", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Setup_registers_the_webhook_with_its_secret()
    {
        await using var s = await Start();
        var bot = (TelegramBot)s.Chatwoot.App.Services.GetService(typeof(TelegramBot))!;

        await bot.SetWebhookAsync(new Uri("https://relay.example.com/api/v1/webhooks/telegram"), NotificationScenario.TelegramSecret, Ct);

        var body = s.Telegram.Received("POST", "/setWebhook").Single().Json;
        Assert.Equal("https://relay.example.com/api/v1/webhooks/telegram", body.GetProperty("url").GetString());
        Assert.Equal(NotificationScenario.TelegramSecret, body.GetProperty("secret_token").GetString());
    }
}

public sealed class TelegramBridgeTestsOnSqlite() : TelegramBridgeTests(DatabaseKind.Sqlite);

public sealed class TelegramBridgeTestsOnPostgres() : TelegramBridgeTests(DatabaseKind.Postgres);
