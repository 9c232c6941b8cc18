using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Operations;

/// <summary>
/// No secret and no customer's or provider's words reach the log, even when an operator turns every
/// category up to Trace: the Telegram bot token travels in every Bot API path, a Chatwoot that cannot
/// sign sends its secret as <c>?token=</c>, and the conversation passes through the bot and the bridge.
/// </summary>
public sealed class LogPrivacyTests
{
    private const string CustomerWords = "I want to talk to a human, write to ada.lovelace@example.org";
    private const string ProviderWords = "Hello Ada, your VM 10.1.2.3 is back";

    private static readonly Dictionary<string, string?> EverythingAtTrace = new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.Extensions.Http"] = "Trace",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
        ["Logging:LogLevel:Polly"] = "Trace",
    };

    [Fact]
    public async Task A_handoff_its_notification_and_the_providers_reply_log_no_secret_and_no_words()
    {
        await using var s = await NotificationScenario.StartAsync(DatabaseKind.Sqlite, EverythingAtTrace);
        await s.ConfigureProviderAsync("telegram");

        // Chatwoot without signatures: the secret is in the URL.
        var message = s.Chatwoot.Message(CustomerWords).ToJsonString();
        var accepted = await s.Chatwoot.SendRawAsync(message, deliveryId: null, secret: null, path: "/api/v1/webhooks/chatwoot?token=" + ChatwootScenario.Secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, accepted.StatusCode);
        await s.WaitForNotificationAsync();
        await s.Chatwoot.WaitIdleAsync();
        var notification = (int)(await s.Chatwoot.QueryAsync<long>("SELECT message_id FROM telegram_message_links")).Single();
        await s.SendUpdateAsync(NotificationScenario.TextMessage(NotificationScenario.ProviderChat, ProviderWords, replyTo: notification));
        await s.Chatwoot.Chatwoot.WaitForAsync(all => all.Any(r => r.Body.Contains(ProviderWords, StringComparison.Ordinal)));
        await s.WaitForAnswerAsync(NotificationScenario.ProviderChat);

        var lines = s.Chatwoot.App.Logs.Lines;
        // Everything else does log: the endpoints reached, and the calls to Chatwoot.
        Assert.Contains(lines, l => l.Contains("Executing endpoint 'HTTP: POST /api/v1/webhooks/chatwoot", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Sending HTTP request POST", StringComparison.Ordinal) && l.Contains("/conversations/42/messages", StringComparison.Ordinal));
        string[] never =
        [
            ChatwootScenario.Secret, ChatwootScenario.BotToken, NotificationScenario.TelegramToken, NotificationScenario.TelegramSecret,
            "ada.lovelace@example.org", ProviderWords,
        ];
        var leaks = never.SelectMany(secret => lines.Where(l => l.Contains(secret, StringComparison.Ordinal))
            .Select(l => $"{secret} in: {(l.Length > 400 ? l[..400] : l)}")).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n\n", leaks));
    }

    [Theory]
    [InlineData(502, "<html>Bad Gateway</html>", "text/html")]
    [InlineData(401, """{"ok":false,"error_code":401,"description":"Unauthorized"}""", "application/json")]
    public async Task A_failing_bot_api_logs_the_failure_without_the_token(int status, string body, string contentType)
    {
        await using var s = await NotificationScenario.StartAsync(DatabaseKind.Sqlite, new Dictionary<string, string?>(EverythingAtTrace)
        {
            ["Workers:MaxAttempts"] = "2",
            ["Workers:InitialBackoff"] = "00:00:00.050",
        });
        s.Telegram.On("POST", "/bot*/sendMessage", new FakeResponse(status, body, contentType));
        await s.ConfigureProviderAsync("telegram");

        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(42, "open", "pending"));
        await s.Chatwoot.WaitUntilAsync("SELECT COUNT(*) FROM outbox WHERE kind = 'notification.handoff' AND state = 'failed'", 1);

        var lines = s.Chatwoot.App.Logs.Lines;
        Assert.Contains(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("telegram", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains(NotificationScenario.TelegramToken, StringComparison.Ordinal));
    }
}
