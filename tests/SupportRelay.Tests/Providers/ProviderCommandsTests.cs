using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

/// <summary>The provider command line against the in-process server: every call is signed by RequestSigningHandler.</summary>
public abstract class ProviderCommandsTests(DatabaseKind database) : IDisposable
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null, AppFactory? sameDatabaseAs = null) =>
        ProviderTestKit.App(clock, settings, database, sameDatabaseAs);

    private readonly string _directory = Directory.CreateTempSubdirectory("supportrelay-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record Run(int ExitCode, string Out, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Out).RootElement;
    }

    private static async Task<Run> RunAsync(AppFactory? app, FakeTimeProvider clock, params string[] args) =>
        await RunAsync(app is null ? () => new SocketsHttpHandler() : () => app.Server.CreateHandler(), clock, _ => null, args);

    private static async Task<Run> RunAsync(Func<HttpMessageHandler> handler, TimeProvider clock, Func<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var command = ProviderCommands.Create(new ProviderCliEnvironment(output, error, handler, clock, environment));
        var exitCode = await command.Parse(args).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
        return new Run(exitCode, output.ToString().Trim(), error.ToString().Trim());
    }

    [Fact]
    public async Task Keygen_writes_a_private_seed_readable_only_by_the_owner_and_prints_the_public_key()
    {
        var clock = Clock();
        var keyFile = Path.Combine(_directory, "provider.key");

        var run = await RunAsync(null, clock, "keygen", "--out", keyFile);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches("^[0-9a-f]{64}$", run.Out);
        Assert.Matches("^[0-9a-f]{64}$", File.ReadAllText(keyFile).Trim());
        Assert.Equal(run.Out, RequestSigner.FromKeyFile(File.ReadAllText(keyFile), clock).PublicKeyHex);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var again = await RunAsync(null, clock, "keygen", "--out", keyFile);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);
        Assert.Equal(run.Out, RequestSigner.FromKeyFile(File.ReadAllText(keyFile), clock).PublicKeyHex);

        var forced = await RunAsync(null, clock, "keygen", "--out", keyFile, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(run.Out, forced.Out);
    }

    [Fact]
    public async Task Config_set_get_telegram_link_and_test_work_end_to_end_with_signed_requests()
    {
        var clock = Clock();
        await using var app = App(clock);
        var keyFile = Path.Combine(_directory, "provider.key");
        var publicKey = (await RunAsync(null, clock, "keygen", "--out", keyFile)).Out;
        string[] common = ["--key", keyFile, "--server", "http://localhost"];

        var stranger = await RunAsync(app, clock, ["config", "set", .. common, "--notify-via", "email", "--email", "ops@example.com"]);
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("HTTP 403 Provider not enrolled", stranger.Error, StringComparison.Ordinal);
        await app.Services.GetRequiredService<ProviderStore>().EnrolAsync(publicKey, TestContext.Current.CancellationToken);

        var missing = await RunAsync(app, clock, ["config", "get", .. common]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("", missing.Out);
        Assert.Contains("No notification config", missing.Error, StringComparison.Ordinal);

        var set = await RunAsync(app, clock, ["config", "set", .. common, "--notify-via", "sms", "--phone", "+41791234567", "--email", "ops@example.com", "--portal", "acme"]);
        Assert.Equal(0, set.ExitCode);
        Assert.Equal("", set.Error);
        Assert.Equal(publicKey, set.Json.GetProperty("providerPubkey").GetString());

        var get = await RunAsync(app, clock, ["config", "get", .. common]);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("sms", get.Json.GetProperty("notifyVia").GetString());
        Assert.Equal("+41791234567", get.Json.GetProperty("notifyPhone").GetString());
        Assert.Equal("acme", get.Json.GetProperty("chatwootPortalSlug").GetString());

        var link = await RunAsync(app, clock, ["telegram-link", .. common]);
        Assert.Equal(0, link.ExitCode);
        var code = link.Json.GetProperty("code").GetString()!;
        Assert.EndsWith($"?start={code}", link.Json.GetProperty("link").GetString(), StringComparison.Ordinal);
        var linked = await app.Services.GetRequiredService<ProviderStore>().LinkTelegramChatAsync(code, 9001, TestContext.Current.CancellationToken);
        Assert.Equal(publicKey, linked.ProviderPubkey);

        var telegram = await RunAsync(app, clock, ["config", "set", .. common, "--notify-via", "telegram"]);
        Assert.Equal(0, telegram.ExitCode);
        Assert.Equal(9001, telegram.Json.GetProperty("telegramChatId").GetInt64());

        var test = await RunAsync(app, clock, ["test", .. common]);
        Assert.Equal(0, test.ExitCode);
        Assert.Equal("telegram", test.Json.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Server_errors_go_to_stderr_with_their_title_detail_and_fields()
    {
        var clock = Clock();
        await using var app = App(clock);
        var keyFile = Path.Combine(_directory, "provider.key");
        await app.Services.GetRequiredService<ProviderStore>().EnrolAsync((await RunAsync(null, clock, "keygen", "--out", keyFile)).Out, TestContext.Current.CancellationToken);

        var run = await RunAsync(app, clock, "config", "set", "--key", keyFile, "--server", "http://localhost", "--notify-via", "sms", "--phone", "+41 44 668 18 00");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Contains("HTTP 400 Invalid request", run.Error, StringComparison.Ordinal);
        Assert.Contains("notifyPhone: Must be a valid mobile phone number in E.164", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_clock_off_by_more_than_five_minutes_is_reported()
    {
        var serverClock = Clock();
        await using var app = App(serverClock);
        var keyFile = Path.Combine(_directory, "provider.key");
        var clientClock = new FakeTimeProvider(serverClock.GetUtcNow().AddMinutes(-10));
        await RunAsync(null, clientClock, "keygen", "--out", keyFile);

        var run = await RunAsync(app, clientClock, "config", "get", "--key", keyFile, "--server", "http://localhost");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("HTTP 401 Stale timestamp", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_key_files_and_unreachable_servers_are_errors_not_crashes()
    {
        var clock = Clock();
        var badKey = Path.Combine(_directory, "bad.key");
        await File.WriteAllTextAsync(badKey, "not a key", TestContext.Current.CancellationToken);
        var goodKey = Path.Combine(_directory, "good.key");
        await RunAsync(null, clock, "keygen", "--out", goodKey);

        var bad = await RunAsync(null, clock, "config", "get", "--key", badKey, "--server", "http://127.0.0.1:1");
        var absent = await RunAsync(null, clock, "config", "get", "--key", Path.Combine(_directory, "absent.key"), "--server", "http://127.0.0.1:1");
        var unreachable = await RunAsync(null, clock, "config", "get", "--key", goodKey, "--server", "http://127.0.0.1:1");
        var notUrl = await RunAsync(null, clock, "config", "get", "--key", goodKey, "--server", "ftp://example.com");

        Assert.All([bad, absent, unreachable, notUrl], run => Assert.Equal(1, run.ExitCode));
        Assert.Contains("key file", bad.Error, StringComparison.Ordinal);
        Assert.Contains("key file", absent.Error, StringComparison.Ordinal);
        Assert.Contains("cannot reach", unreachable.Error, StringComparison.Ordinal);
        Assert.Contains("--server", notUrl.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_defaults_to_SUPPORTRELAY_SERVER_and_then_to_localhost_5080()
    {
        var clock = Clock();
        var keyFile = Path.Combine(_directory, "provider.key");
        await RunAsync(null, clock, "keygen", "--out", keyFile);
        var seen = new List<Uri>();
        Func<HttpMessageHandler> recorder = () => new RecordingHandler(seen);

        await RunAsync(recorder, clock, name => name == "SUPPORTRELAY_SERVER" ? "https://relay.example.com/" : null, "test", "--key", keyFile);
        await RunAsync(recorder, clock, _ => null, "test", "--key", keyFile);

        Assert.Equal(
            [new Uri("https://relay.example.com/api/v1/providers/me/notification-test"), new Uri("http://localhost:5080/api/v1/providers/me/notification-test")],
            seen);
    }

    [Fact]
    public async Task The_command_works_over_a_real_socket()
    {
        var clock = Clock();
        await using var app = App(clock);
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var keyFile = Path.Combine(_directory, "provider.key");
        await app.Services.GetRequiredService<ProviderStore>().EnrolAsync((await RunAsync(null, clock, "keygen", "--out", keyFile)).Out, TestContext.Current.CancellationToken);

        var set = await RunAsync(null, clock, "config", "set", "--key", keyFile, "--server", address, "--notify-via", "email", "--email", "ops@example.com");
        var get = await RunAsync(null, clock, "config", "get", "--key", keyFile, "--server", address);

        Assert.Equal(0, set.ExitCode);
        Assert.Equal("ops@example.com", get.Json.GetProperty("notifyEmail").GetString());
    }

    private sealed class RecordingHandler(List<Uri> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.NotNull(request.Headers.GetValues("X-Signature").Single());
            seen.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{}") });
        }
    }
}

public sealed class ProviderCommandsTestsOnSqlite() : ProviderCommandsTests(DatabaseKind.Sqlite);

public sealed class ProviderCommandsTestsOnPostgres() : ProviderCommandsTests(DatabaseKind.Postgres);
