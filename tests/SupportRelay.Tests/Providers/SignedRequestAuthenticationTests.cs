using System.Net;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

public abstract class SignedRequestAuthenticationTests(DatabaseKind database)
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null, AppFactory? sameDatabaseAs = null) =>
        ProviderTestKit.App(clock, settings, database, sameDatabaseAs);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_request_is_authenticated_and_an_unsigned_one_is_not()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = app.NewProvider(clock);

        // Authenticated: the answer is the endpoint's own 404 (no config yet), not a refusal.
        var signed = await app.EnrolledClient(signer).GetPathAsync(ConfigPath);
        var problem = await signed.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("No notification config", problem.GetProperty("title").GetString());

        var unsigned = await app.CreateClient().GetPathAsync(ConfigPath);
        await unsigned.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-header");
    }

    [Theory]
    [InlineData("X-Public-Key")]
    [InlineData("X-Signature")]
    [InlineData("X-Timestamp")]
    [InlineData("X-Nonce")]
    public async Task Each_missing_header_is_401_naming_it(string header)
    {
        var clock = Clock();
        await using var app = App(clock);
        using var request = Request(HttpMethod.Get, ConfigPath, app.NewProvider(clock).Sign("GET", ConfigPath, []));
        request.Headers.Remove(header);

        var response = await app.CreateClient().SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "missing-header");
        Assert.Contains(header, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(response.Headers.WwwAuthenticate.Count > 0);
    }

    [Theory]
    [InlineData("X-Public-Key", "not-hex")]
    [InlineData("X-Public-Key", "4f16b64a096a48252fc4d9a11393778d")]
    [InlineData("X-Signature", "abcd")]
    [InlineData("X-Timestamp", "yesterday")]
    [InlineData("X-Timestamp", " 1763841226767000000")]
    [InlineData("X-Nonce", "not-a-uuid")]
    public async Task Each_malformed_header_is_400_naming_it(string header, string value)
    {
        var clock = Clock();
        await using var app = App(clock);
        using var request = Request(HttpMethod.Get, ConfigPath, app.NewProvider(clock).Sign("GET", ConfigPath, []));
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);

        var response = await app.CreateClient().SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-header");
        Assert.Contains(header, problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task A_timestamp_outside_five_minutes_is_401_stale(int minutes)
    {
        var clock = Clock();
        await using var app = App(clock);
        var headers = app.NewProvider(clock).Sign("GET", ConfigPath, [], at: clock.GetUtcNow().AddMinutes(minutes));

        var response = await app.CreateClient().SendAsync(Request(HttpMethod.Get, ConfigPath, headers), Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "stale-timestamp");
    }

    [Fact]
    public async Task A_timestamp_inside_the_window_is_accepted()
    {
        var clock = Clock();
        await using var app = App(clock);
        var headers = app.NewProvider(clock).Sign("GET", ConfigPath, [], at: clock.GetUtcNow().AddMinutes(-4));

        var response = await app.CreateClient().SendAsync(Request(HttpMethod.Get, ConfigPath, headers), Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_signature_by_another_key_is_401_bad_signature()
    {
        var clock = Clock();
        await using var app = App(clock);
        var victim = app.NewProvider(clock);
        var attacker = app.NewProvider(clock).Sign("GET", ConfigPath, []);

        var response = await app.CreateClient().SendAsync(Request(HttpMethod.Get, ConfigPath, attacker with { PublicKey = victim.PublicKeyHex }), Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "bad-signature");
    }

    [Fact]
    public async Task A_signature_for_another_method_or_path_is_401()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = app.NewProvider(clock);

        var otherMethod = await app.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, signer.Sign("GET", TelegramLinkPath, [])), Ct);
        var otherPath = await app.CreateClient().SendAsync(Request(HttpMethod.Post, TestPath, signer.Sign("POST", TelegramLinkPath, [])), Ct);

        await otherMethod.AssertProblemAsync(HttpStatusCode.Unauthorized, "bad-signature");
        await otherPath.AssertProblemAsync(HttpStatusCode.Unauthorized, "bad-signature");
    }

    [Fact]
    public async Task The_query_string_is_not_signed()
    {
        var clock = Clock();
        await using var app = App(clock);
        var headers = app.NewProvider(clock).Sign("GET", ConfigPath, []);

        var response = await app.CreateClient().SendAsync(Request(HttpMethod.Get, ConfigPath + "?anything=added", headers), Ct);

        // Authenticated (the endpoint's 404), though the query was added after signing: the scheme signs the path only.
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("No notification config", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_401_and_changes_nothing()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = app.NewProvider(clock);
        var signedBody = """{"notifyVia":"email","notifyEmail":"owner@example.com"}""";
        var sentBody = """{"notifyVia":"email","notifyEmail":"attacker@example.com"}""";
        var headers = signer.Sign("PUT", ConfigPath, Encoding.UTF8.GetBytes(signedBody));

        var response = await app.CreateClient().SendAsync(Request(HttpMethod.Put, ConfigPath, headers, sentBody), Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "bad-signature");
        await (await app.EnrolledClient(signer).GetPathAsync(ConfigPath)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_replay_within_the_window_is_401()
    {
        var clock = Clock();
        await using var app = App(clock);
        var body = """{"notifyVia":"email","notifyEmail":"owner@example.com"}""";
        var headers = app.NewProvider(clock).Sign("PUT", ConfigPath, Encoding.UTF8.GetBytes(body));

        var first = await app.CreateClient().SendAsync(Request(HttpMethod.Put, ConfigPath, headers, body), Ct);
        clock.Advance(TimeSpan.FromMinutes(2));
        var replay = await app.CreateClient().SendAsync(Request(HttpMethod.Put, ConfigPath, headers, body), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized, "replayed-nonce");
    }

    [Fact]
    public async Task A_replay_after_a_restart_is_401()
    {
        var clock = Clock();
        AppFactory previous;
        SignedHeaders saved;
        await using (var before = App(clock).Start())
        {
            var headers = before.NewProvider(clock).Sign("POST", TelegramLinkPath, []);
            previous = before;
            var first = await before.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, headers), Ct);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            saved = headers;
        }

        await using var after = App(clock, sameDatabaseAs: previous);
        var replay = await after.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, saved), Ct);

        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized, "replayed-nonce");
    }

    [Fact]
    public async Task The_same_nonce_from_two_keys_is_two_requests()
    {
        var clock = Clock();
        await using var app = App(clock);
        var nonce = Guid.NewGuid();

        var a = await app.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, app.NewProvider(clock).Sign("POST", TelegramLinkPath, [], nonce)), Ct);
        var b = await app.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, app.NewProvider(clock).Sign("POST", TelegramLinkPath, [], nonce)), Ct);

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
    }

    [Fact]
    public async Task Expired_nonces_are_purged_and_do_not_block_a_fresh_request()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = app.NewProvider(clock);
        var nonce = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, signer.Sign("POST", TelegramLinkPath, [], nonce)), Ct)).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(11));
        // A fresh signature with a reused nonce long after its window: the old row is no obstacle.
        var reused = await app.CreateClient().SendAsync(Request(HttpMethod.Post, TelegramLinkPath, signer.Sign("POST", TelegramLinkPath, [], nonce)), Ct);
        clock.Advance(TimeSpan.FromMinutes(11));
        await app.EnrolledClient(signer).PostPathAsync(TelegramLinkPath);

        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        await using var connection = await app.OpenDatabaseAsync();
        var stored = await connection.QueryAsync<string>(new CommandDefinition("SELECT nonce FROM request_nonces", cancellationToken: Ct));
        Assert.DoesNotContain(nonce.ToString("D"), stored);
        Assert.Single(stored);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var clock = Clock();
        await using var app = App(clock);
        var body = $$"""{"notifyVia":"email","notifyEmail":"{{new string('a', 70 * 1024)}}@example.com"}""";

        var response = await app.EnrolledClient(app.NewProvider(clock)).PutJsonAsync(ConfigPath, body);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413()
    {
        var clock = Clock();
        await using var app = App(clock);
        // Over a real socket: the in-memory test server would buffer the body and give it a length.
        using var client = KestrelClient(app);
        var body = Encoding.UTF8.GetBytes(new string(' ', 200 * 1024) + "{}");
        using var request = Request(HttpMethod.Put, ConfigPath, app.NewProvider(clock).Sign("PUT", ConfigPath, body));
        request.Content = new UnknownLengthContent(body);

        var response = await client.SendAsync(request, Ct);

        Assert.True(request.Headers.TransferEncodingChunked);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task A_chunked_body_within_the_limit_is_verified()
    {
        var clock = Clock();
        await using var app = App(clock);
        var body = Encoding.UTF8.GetBytes("""{"notifyVia":"email","notifyEmail":"chunked@example.com"}""");
        using var client = KestrelClient(app);
        using var request = Request(HttpMethod.Put, ConfigPath, app.NewProvider(clock).Sign("PUT", ConfigPath, body));
        request.Content = new UnknownLengthContent(body);
        var response = await client.SendAsync(request, Ct);

        Assert.True(request.Headers.TransferEncodingChunked);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static HttpClient KestrelClient(AppFactory app)
    {
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address) };
    }

    /// <summary>Content that does not know its length, so it travels chunked.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Too_many_requests_from_one_key_are_429()
    {
        var clock = Clock();
        await using var app = App(clock, new Dictionary<string, string?> { ["ProviderApi:RequestsPerMinutePerKey"] = "3" });
        var client = app.EnrolledClient(app.NewProvider(clock));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostPathAsync(TelegramLinkPath)).StatusCode);
        }

        var limited = await client.PostPathAsync(TelegramLinkPath);
        var other = await app.EnrolledClient(app.NewProvider(clock)).PostPathAsync(TelegramLinkPath);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Test_notifications_have_their_own_smaller_limit()
    {
        var clock = Clock();
        await using var app = App(clock, new Dictionary<string, string?> { ["ProviderApi:NotificationTestsPerHour"] = "2", ["ProviderApi:VerifyDestinations"] = "false" });
        var client = app.EnrolledClient(app.NewProvider(clock));
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"email","notifyEmail":"ops@example.com"}""");

        Assert.Equal(HttpStatusCode.OK, (await client.PostPathAsync(TestPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostPathAsync(TestPath)).StatusCode);
        var limited = await client.PostPathAsync(TestPath);

        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("test notifications", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync(ConfigPath)).StatusCode);
    }

    [Fact]
    public async Task Too_many_requests_from_one_address_are_429_even_unsigned()
    {
        var clock = Clock();
        await using var app = App(clock, new Dictionary<string, string?> { ["ProviderApi:RequestsPerMinutePerIp"] = "3" });
        var client = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetPathAsync(ConfigPath)).StatusCode);
        }

        await (await client.GetPathAsync(ConfigPath)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await (await app.EnrolledClient(app.NewProvider(clock)).GetPathAsync(ConfigPath)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        // Other routes are not the provider API's to limit.
        Assert.Equal(HttpStatusCode.OK, (await client.GetPathAsync("/healthz")).StatusCode);
    }
}

public sealed class SignedRequestAuthenticationTestsOnSqlite() : SignedRequestAuthenticationTests(DatabaseKind.Sqlite);

public sealed class SignedRequestAuthenticationTestsOnPostgres() : SignedRequestAuthenticationTests(DatabaseKind.Postgres);
