using System.Net;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

public abstract class NotificationTestEndpointTests(DatabaseKind database)
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null, AppFactory? sameDatabaseAs = null) =>
        ProviderTestKit.App(clock, settings, database, sameDatabaseAs);

    [Fact]
    public async Task Without_a_config_the_test_is_404()
    {
        var clock = Clock();
        await using var app = App(clock);

        var response = await app.EnrolledClient(RequestSigner.Generate(clock)).PostPathAsync(TestPath);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_channel_the_operator_did_not_configure_reports_not_accepted()
    {
        var clock = Clock();
        await using var app = App(clock, new Dictionary<string, string?> { ["ProviderApi:VerifyDestinations"] = "false" });
        var client = app.EnrolledClient(RequestSigner.Generate(clock));
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"email","notifyEmail":"ops@example.com"}""");

        var result = await (await client.PostPathAsync(TestPath)).JsonAsync();

        Assert.False(result.GetProperty("accepted").GetBoolean());
        Assert.Equal("email", result.GetProperty("channel").GetString());
        Assert.Equal("The email channel is not configured by the operator.", result.GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_test_goes_to_the_providers_proven_chat_and_reports_what_telegram_said()
    {
        var clock = Clock();
        await using var telegram = await FakeHttpServer.StartAsync();
        var blocked = false;
        telegram.On("POST", "/bot*/sendMessage", _ => blocked
            ? FakeResponse.Json(new { ok = false, error_code = 403, description = "Forbidden: bot was blocked by the user" }, 403)
            : FakeResponse.Json(new { ok = true, result = new { message_id = 5, date = 1_764_000_000, chat = new { id = 777, type = "private" }, text = "x" } }));
        await using var app = App(clock, new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = NotificationScenario.TelegramToken,
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl.ToString(),
        });
        var signer = RequestSigner.Generate(clock);
        var client = app.EnrolledClient(signer);
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","telegramChatId":777}""");
        await app.ProveAsync(signer.PublicKeyHex, NotificationChannel.Telegram, "777");

        var sent = await (await client.PostPathAsync(TestPath)).JsonAsync();
        blocked = true;
        var refused = await (await client.PostPathAsync(TestPath)).JsonAsync();

        Assert.True(sent.GetProperty("accepted").GetBoolean());
        Assert.Equal("telegram", sent.GetProperty("channel").GetString());
        Assert.False(refused.GetProperty("accepted").GetBoolean());
        Assert.Contains("blocked", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        var tests = telegram.Received("POST", "/sendMessage").Where(r => r.Json.GetProperty("text").GetString()!.Contains("test notification", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, tests.Count);
        Assert.All(tests, r => Assert.Equal(777, r.Json.GetProperty("chat_id").GetInt64()));
    }
}

public sealed class NotificationTestEndpointTestsOnSqlite() : NotificationTestEndpointTests(DatabaseKind.Sqlite);

public sealed class NotificationTestEndpointTestsOnPostgres() : NotificationTestEndpointTests(DatabaseKind.Postgres);
