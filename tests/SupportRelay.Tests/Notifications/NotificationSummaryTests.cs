using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Notifications;

/// <summary>
/// The notification's summary when an LLM is configured (<c>Llm:Provider</c>): the model's words, written
/// from what the customer said, and the customer's own words when the model is slow or fails. The
/// summary reads the same table on both databases, so these run on SQLite only.
/// </summary>
public sealed class NotificationSummaryTests
{
    private const string ModelSummary = "The customer's VM is down since this morning and a restart did not help.";

    private static Task<NotificationScenario> Start(IDictionary<string, string?>? settings = null) =>
        NotificationScenario.StartAsync(DatabaseKind.Sqlite, settings, withLlm: true);

    private static IReadOnlyList<RecordedRequest> ModelCalls(NotificationScenario s) => s.Chatwoot.Llm!.Received("POST", "/chat/completions");

    [Fact]
    public async Task The_summary_is_the_models_and_the_model_reads_what_the_customer_wrote()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        s.Chatwoot.LlmAnswers(ModelSummary);
        await s.CustomerSaysAsync(42, "My VM prod-7 is down", "I restarted it twice, still nothing");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        Assert.Contains("The customer's VM is down since this morning", text, StringComparison.Ordinal);
        Assert.Contains("Summary written by the bot from the customer", text, StringComparison.Ordinal);
        Assert.DoesNotContain("The customer wrote", text, StringComparison.Ordinal);
        var prompt = ModelCalls(s).Single().Body;
        Assert.Contains("My VM prod-7 is down", prompt, StringComparison.Ordinal);
        Assert.Contains("I restarted it twice, still nothing", prompt, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"test-model\"", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_model_falls_back_to_quoting_the_customer()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["Notifications:SummaryTimeout"] = "00:00:01" });
        await s.ConfigureProviderAsync("telegram");
        s.Chatwoot.LlmAnswers(ModelSummary, delay: TimeSpan.FromSeconds(10));
        await s.CustomerSaysAsync(42, "Where is my invoice for March?");
        var started = DateTime.UtcNow;

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        Assert.Contains("The customer wrote (their words, not checked):", text, StringComparison.Ordinal);
        Assert.Contains("Where is my invoice for March?", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Summary:", text, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the notification waited for the slow model");
        Assert.NotEmpty(ModelCalls(s));
    }

    [Fact]
    public async Task A_failing_model_falls_back_to_quoting_the_customer()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        s.Chatwoot.LlmAnswers("unused", status: 500);
        await s.CustomerSaysAsync(42, "Mon site <b>ne répond plus</b> 🙁");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        Assert.Contains("The customer wrote (their words, not checked):", text, StringComparison.Ordinal);
        Assert.Contains("Mon site &lt;b&gt;ne répond plus&lt;/b&gt; 🙁", text, StringComparison.Ordinal);
        Assert.NotEmpty(ModelCalls(s));
        await s.Chatwoot.WaitIdleAsync();
        Assert.Equal("sent", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'notification.handoff'")).Single());
    }

    [Fact]
    public async Task An_empty_model_answer_falls_back_to_quoting_the_customer()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        s.Chatwoot.LlmAnswers("   ");
        await s.CustomerSaysAsync(42, "Backups are missing");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var text = (await s.WaitForNotificationAsync()).Json.GetProperty("text").GetString()!;

        Assert.Contains("The customer wrote (their words, not checked):", text, StringComparison.Ordinal);
        Assert.Contains("Backups are missing", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_telegram_delivery_sends_the_same_summary_and_asks_the_model_once()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram");
        s.Chatwoot.LlmAnswers(ModelSummary);
        await s.CustomerSaysAsync(42, "My VM prod-7 is down");
        var calls = 0;
        s.Telegram.On("POST", "/bot*/sendMessage", _ => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Json(new { ok = false, error_code = 502, description = "Bad Gateway" }, 502)
            : FakeResponse.Json(new { ok = true, result = new { message_id = 900, date = 1_764_000_000, chat = new { id = NotificationScenario.ProviderChat, type = "private" }, text = "x" } }));

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.WaitForNotificationAsync(2);
        await s.Chatwoot.WaitIdleAsync();

        var texts = s.Notifications().Select(r => r.Json.GetProperty("text").GetString()).ToList();
        Assert.Equal(2, texts.Count);
        Assert.Equal(texts[0], texts[1]);
        Assert.Contains("The customer's VM is down", texts[1], StringComparison.Ordinal);
        Assert.Single(ModelCalls(s));
        Assert.Equal("sent", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'notification.handoff'")).Single());
    }

    [Fact]
    public async Task The_email_fallback_reuses_the_summary_without_asking_the_model_again()
    {
        await using var s = await Start();
        await s.ConfigureProviderAsync("telegram", email: "ops@provider.example");
        s.Chatwoot.LlmAnswers(ModelSummary);
        s.Telegram.On("POST", "/bot*/sendMessage", FakeResponse.Json(new { ok = false, error_code = 403, description = "Forbidden: bot was blocked by the user" }, 403));
        await s.CustomerSaysAsync(42, "My VM prod-7 is down");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        var mail = (await s.Smtp.WaitForAsync(1)).Single();
        await s.Chatwoot.WaitIdleAsync();

        Assert.Contains("> " + ModelSummary, mail.TextBody, StringComparison.Ordinal);
        Assert.Single(ModelCalls(s));
    }
}
