using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Notifications;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Notifications;

/// <summary>From a handoff (status webhook or the bot's own) to a notification on the provider's channel.</summary>
public abstract class NotificationFlowTests(DatabaseKind database)
{
    private readonly DatabaseKind _database = database;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<NotificationScenario> Start(IDictionary<string, string?>? settings = null) => NotificationScenario.StartAsync(_database, settings);

    [Fact]
    public async Task A_status_change_to_open_sends_a_telegram_notification_with_summary_link_contract_and_buttons()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        await s.MapContractAsync("C-77");
        await s.CustomerSaysAsync(42, "My VM <prod> & database are down", "Still down after restart");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending", customAttributes: new JsonObject { ["contract_id"] = "C-77" }));
        var sent = await s.WaitForNotificationAsync();

        var body = sent.Json;
        Assert.Equal(NotificationScenario.ProviderChat, body.GetProperty("chat_id").GetInt64());
        // Telegram.Bot writes "Html"; the Bot API reads parse_mode case-insensitively.
        Assert.Equal("html", body.GetProperty("parse_mode").GetString()!.ToLowerInvariant());
        var text = body.GetProperty("text").GetString()!;
        Assert.Contains("<b>Conversation #42 needs a person</b>", text, StringComparison.Ordinal);
        Assert.Contains("My VM &lt;prod&gt; &amp; database are down", text, StringComparison.Ordinal);
        Assert.Contains("Still down after restart", text, StringComparison.Ordinal);
        Assert.Contains("Contract: C-77", text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://chat.example.com/app/accounts/7/conversations/42\">", text, StringComparison.Ordinal);
        var buttons = body.GetProperty("reply_markup").GetProperty("inline_keyboard")[0];
        Assert.Equal("status:resolved", buttons[0].GetProperty("callback_data").GetString());
        Assert.Equal("status:pending", buttons[1].GetProperty("callback_data").GetString());
        await s.Chatwoot.WaitIdleAsync();
        var link = (await s.Chatwoot.QueryAsync<(long Chat, long Conversation)>("SELECT chat_id, conversation_id FROM telegram_message_links")).Single();
        Assert.Equal((NotificationScenario.ProviderChat, 42L), link);
        Assert.NotNull((await s.Chatwoot.QueryAsync<long?>("SELECT notified_at FROM handoffs")).Single());
        Assert.Empty(s.Telegram.Unexpected);
    }

    [Fact]
    public async Task A_bot_handoff_notifies_once_and_a_reopened_conversation_notifies_again()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");

        await s.Chatwoot.SendAsync(s.Chatwoot.Message("I want to talk to a human please"));
        await s.WaitForNotificationAsync();
        // Chatwoot's webhooks that follow our own toggle_status, one of them twice, and a conversation_updated twin.
        var delivery = Guid.NewGuid().ToString();
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"), delivery);
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"), delivery);
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending", "conversation_updated"));
        await s.Chatwoot.WaitIdleAsync();
        await Task.Delay(300, Ct);
        Assert.Single(s.Notifications());

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "resolved", "open"));
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "resolved"));
        await s.WaitForNotificationAsync(2);
        await s.Chatwoot.WaitIdleAsync();
        Assert.Equal(2, s.Notifications().Count);
        Assert.Equal(["bot", "webhook"], await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs ORDER BY id"));
    }

    [Fact]
    public async Task A_conversation_updated_event_without_a_status_change_does_not_notify()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        var updated = NotificationScenario.StatusChange(42, "open", "pending", "conversation_updated");
        updated["changed_attributes"] = new JsonArray(new JsonObject { ["labels"] = new JsonObject { ["previous_value"] = "a", ["current_value"] = "b" } });

        await s.Chatwoot.SendAsync(updated);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Empty(s.Sent());
    }

    [Fact]
    public async Task Telegram_429_is_retried_after_retry_after_and_5xx_is_retried()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        var calls = 0;
        s.Telegram.On("POST", "/bot*/sendMessage", r => Interlocked.Increment(ref calls) switch
        {
            1 => FakeResponse.Json(new { ok = false, error_code = 429, description = "Too Many Requests: retry after 1", parameters = new { retry_after = 1 } }, 429),
            2 => FakeResponse.Json(new { ok = false, error_code = 502, description = "Bad Gateway" }, 502),
            _ => FakeResponse.Json(new { ok = true, result = new { message_id = 900, date = 1_764_000_000, chat = new { id = NotificationScenario.ProviderChat, type = "private" }, text = "x" } }),
        });
        var started = DateTime.UtcNow;

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Telegram.WaitForAsync("POST", "/sendMessage", 3);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal(3, calls);
        var times = s.Telegram.Received("POST", "/sendMessage");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "retry_after was not honoured");
        Assert.Equal("sent", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'notification.handoff'")).Single());
        Assert.Equal(3, times.Count);
    }

    [Fact]
    public async Task A_blocked_bot_fails_for_good_with_its_reason_and_falls_back_to_email()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram", email: "ops@provider.example");
        s.Telegram.On("POST", "/bot*/sendMessage", FakeResponse.Json(new { ok = false, error_code = 403, description = "Forbidden: bot was blocked by the user" }, 403));
        await s.CustomerSaysAsync(42, "Where is my invoice?");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var mail = (await s.Smtp.WaitForAsync(1)).Single();
        await s.Chatwoot.WaitIdleAsync();

        Assert.Single(s.Telegram.Received("POST", "/sendMessage"));
        Assert.Equal("ops@provider.example", mail.To.Mailboxes.Single().Address);
        Assert.Equal("Conversation #42 needs a person", mail.Subject);
        Assert.Contains("Where is my invoice?", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("could not be delivered", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://chat.example.com/app/accounts/7/conversations/42", mail.TextBody, StringComparison.Ordinal);
        var rows = await s.Chatwoot.QueryAsync<(string State, string? Error)>("SELECT state, last_error FROM outbox WHERE kind = 'notification.handoff' ORDER BY id");
        Assert.Equal("failed", rows[0].State);
        Assert.Contains("403", rows[0].Error, StringComparison.Ordinal);
        Assert.Equal("sent", rows[1].State);
    }

    [Fact]
    public async Task An_sms_goes_through_twilio_with_basic_auth_and_fits_in_three_segments()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("sms", chatId: null, phone: "+33612345678");
        await s.CustomerSaysAsync(42, string.Concat(Enumerable.Repeat("My server is down and nothing works. ", 40)));

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var request = (await s.Twilio.WaitForAsync("POST", "/Messages.json")).Single();

        var form = System.Web.HttpUtility.ParseQueryString(request.Body);
        Assert.Equal("+33612345678", form["To"]);
        Assert.Equal(NotificationScenario.TwilioFrom, form["From"]);
        var smsBody = form["Body"]!;
        Assert.StartsWith("Conversation #42 needs a person", smsBody, StringComparison.Ordinal);
        Assert.EndsWith("https://chat.example.com/app/accounts/7/conversations/42", smsBody, StringComparison.Ordinal);
        Assert.True(SupportRelay.Notifications.SmsNotificationChannel.Segments(smsBody) <= 3);
        var expected = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{NotificationScenario.TwilioSid}:{NotificationScenario.TwilioToken}"));
        Assert.Equal("Basic " + expected, request.Header("Authorization"));
    }

    [Theory]
    [InlineData(21211)]
    [InlineData(21610)]
    public async Task A_permanent_twilio_error_stops_and_falls_back_to_email(int code)
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("sms", chatId: null, phone: "+33612345678", email: "ops@provider.example");
        s.Twilio.On("POST", "/2010-04-01/Accounts/*/Messages.json", FakeResponse.Json(new { code, message = "The 'To' number +33612345678 is not valid", status = 400 }, 400));

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Smtp.WaitForAsync(1);
        await s.Chatwoot.WaitIdleAsync();

        Assert.Single(s.Twilio.Received("POST", "/Messages.json"));
        var error = (await s.Chatwoot.QueryAsync<string>("SELECT last_error FROM outbox WHERE state = 'failed'")).Single();
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
        Assert.DoesNotContain("+33612345678", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_notification_is_plain_text_with_the_link()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("email", chatId: null, email: "ops@provider.example");
        await s.CustomerSaysAsync(42, "Bonjour, ma facture est erronée <b>urgent</b> 🙏");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var mail = (await s.Smtp.WaitForAsync(1)).Single();

        Assert.Equal("relay@example.com", mail.From.Mailboxes.Single().Address);
        Assert.Null(mail.HtmlBody);
        Assert.Contains("Bonjour, ma facture est erronée <b>urgent</b> 🙏", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://chat.example.com/app/accounts/7/conversations/42", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_mailbox_is_a_permanent_failure_without_retries()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("email", chatId: null, email: "nobody@provider.example");
        s.Smtp.RejectRecipients = true;

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Chatwoot.WaitIdleAsync();

        var (state, attempts, error) = (await s.Chatwoot.QueryAsync<(string, long, string)>("SELECT state, attempts, last_error FROM outbox WHERE kind = 'notification.handoff'")).Single();
        Assert.Equal(("failed", 1L), (state, attempts));
        Assert.Contains("550", error, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody@", error, StringComparison.Ordinal);
        Assert.Equal(1, s.Smtp.RcptAttempts);
    }

    [Fact]
    public async Task A_notification_queued_when_the_process_stops_is_delivered_once_after_the_restart()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        s.Telegram.On("POST", "/bot*/sendMessage", FakeResponse.Json(new { ok = false, error_code = 500, description = "Internal" }, 500));

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Telegram.WaitForAsync("POST", "/sendMessage");
        await s.Chatwoot.RestartAsync(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" });
        Assert.Equal("pending", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'notification.handoff'")).Single());

        s.TelegramAnswersOk();
        var failedAttempts = s.Notifications().Count;
        await s.Chatwoot.RestartAsync(new Dictionary<string, string?> { ["Workers:Enabled"] = "true" });
        await s.WaitForNotificationAsync(failedAttempts + 1);
        await s.Chatwoot.WaitIdleAsync();
        await Task.Delay(300, Ct);

        Assert.Equal(failedAttempts + 1, s.Notifications().Count);
        Assert.Equal("sent", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'notification.handoff'")).Single());
    }

    [Fact]
    public async Task A_very_long_non_ascii_summary_is_cut_cleanly_within_telegrams_limit()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Notifications:MaxSummaryLength"] = "3500" });
        await s.ConfigureProviderAsync("telegram");
        var long1 = string.Concat(Enumerable.Repeat("Ünïcödé 🚀 <&> 日本語のテキスト ", 400));
        await s.CustomerSaysAsync(42, long1, long1, long1);

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        Assert.True(text.Length <= 4096, $"{text.Length} characters");
        Assert.DoesNotContain('\uFFFD', text);
        Assert.False(char.IsHighSurrogate(text[text.IndexOf('…', StringComparison.Ordinal) - 1]));
        Assert.Contains("&lt;&amp;&gt;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<&>", text, StringComparison.Ordinal);
        Assert.Contains("</a>", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_nobody_owns_is_recorded_but_notifies_nobody()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Bot:DefaultProviderPubkey"] = "" });

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Chatwoot.WaitIdleAsync();

        Assert.Empty(s.Sent());
        Assert.Equal("webhook", (await s.Chatwoot.QueryAsync<string>("SELECT source FROM handoffs")).Single());
        Assert.Empty(await s.Chatwoot.QueryAsync<string>("SELECT kind FROM outbox"));
    }

    [Fact]
    public async Task The_notification_test_endpoint_really_sends_on_the_configured_channel()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        var dispatcher = s.Chatwoot.App.Services.GetRequiredService<NotificationDispatcher>();

        var result = await dispatcher.SendAsync(NotificationScenario.Provider, SupportRelay.Providers.NotificationChannel.Telegram,
            NotificationScenario.ProviderChat.ToString(System.Globalization.CultureInfo.InvariantCulture), new NotificationContent("Test", "A <test>"), Ct);

        Assert.True(result.Accepted, result.Error);
        var text = s.Sent().Single().Json.GetProperty("text").GetString()!;
        Assert.Contains("A &lt;test&gt;", text, StringComparison.Ordinal);
    }
}

public sealed class NotificationFlowTestsOnSqlite() : NotificationFlowTests(DatabaseKind.Sqlite);

public sealed class NotificationFlowTestsOnPostgres() : NotificationFlowTests(DatabaseKind.Postgres);
