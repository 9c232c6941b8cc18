using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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

        var response = await app.SignedClient(RequestSigner.Generate(clock)).PostPathAsync(TestPath);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_channel_the_operator_did_not_configure_reports_not_accepted()
    {
        var clock = Clock();
        await using var app = App(clock);
        var client = app.SignedClient(RequestSigner.Generate(clock));
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"email","notifyEmail":"ops@example.com"}""");

        var result = await (await client.PostPathAsync(TestPath)).JsonAsync();

        Assert.False(result.GetProperty("accepted").GetBoolean());
        Assert.Equal("email", result.GetProperty("channel").GetString());
        Assert.Equal("The email channel is not configured by the operator.", result.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, "bot was blocked by the user")]
    public async Task The_test_goes_through_the_sender_with_the_providers_config(bool accepted, string? error)
    {
        var clock = Clock();
        var sender = new RecordingSender(new NotificationResult(accepted, error));
        await using var app = App(clock);
        await using var withSender = app.WithWebHostBuilder(b => b.ConfigureTestServices(services => services.AddSingleton<INotificationSender>(sender)));
        var signer = RequestSigner.Generate(clock);
        var client = withSender.CreateDefaultClient(new RequestSigningHandler(signer));
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","telegramChatId":777}""");

        var response = await client.PostPathAsync(TestPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.JsonAsync();
        Assert.Equal(accepted, result.GetProperty("accepted").GetBoolean());
        Assert.Equal("telegram", result.GetProperty("channel").GetString());
        Assert.Equal(error, result.GetProperty("error").GetString());
        var (config, content) = Assert.Single(sender.Sent);
        Assert.Equal(signer.PublicKeyHex, config.ProviderPubkey);
        Assert.Equal(NotificationChannel.Telegram, config.NotifyVia);
        Assert.Equal(777, config.TelegramChatId);
        Assert.Contains("test", content.Text, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class RecordingSender(NotificationResult result) : INotificationSender
    {
        public ConcurrentQueue<(NotificationConfig Config, NotificationContent Content)> Sent { get; } = new();

        public Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken ct)
        {
            Sent.Enqueue((config, content));
            return Task.FromResult(result);
        }
    }
}

public sealed class NotificationTestEndpointTestsOnSqlite() : NotificationTestEndpointTests(DatabaseKind.Sqlite);

public sealed class NotificationTestEndpointTestsOnPostgres() : NotificationTestEndpointTests(DatabaseKind.Postgres);
