using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Providers;

/// <summary>Signed clients and request builders shared by the provider API tests.</summary>
internal static class ProviderTestKit
{
    public const string ConfigPath = "/api/v1/providers/me/notification-config";
    public const string TelegramLinkPath = "/api/v1/providers/me/telegram-link";
    public const string TestPath = "/api/v1/providers/me/notification-test";
    public const string AdminToken = "operator-token-0123456789abcdef";

    /// <summary>A clock at the real time, so requests signed with it are also fresh for Kestrel-facing code.</summary>
    public static FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow);

    /// <summary>
    /// The service on <paramref name="database"/>; with <paramref name="sameDatabaseAs"/>, on that factory's
    /// database (a restart).
    /// </summary>
    public static AppFactory App(FakeTimeProvider clock, IDictionary<string, string?>? settings = null,
        DatabaseKind database = DatabaseKind.Sqlite, AppFactory? sameDatabaseAs = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Telegram:BotUsername"] = "SupportRelayTestBot",
            // High limits so only the rate limit tests meet them.
            ["ProviderApi:RequestsPerMinutePerKey"] = "10000",
            ["ProviderApi:RequestsPerMinutePerIp"] = "10000",
            ["ProviderApi:NotificationTestsPerHour"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        if (sameDatabaseAs is not null)
        {
            foreach (var key in new[] { "Database:Provider", "ConnectionStrings:Postgres" })
            {
                if (sameDatabaseAs.Settings.TryGetValue(key, out var value))
                {
                    all[key] = value;
                }
            }
        }

        return new AppFactory(all, sameDatabaseAs?.DatabasePath, clock, sameDatabaseAs?.Database ?? database);
    }

    /// <summary>An HttpClient whose every request is signed by <paramref name="signer"/>, through the production handler.</summary>
    public static HttpClient SignedClient(this AppFactory app, RequestSigner signer) =>
        app.CreateDefaultClient(new RequestSigningHandler(signer));

    /// <summary>The operator enrols the signer's key (as the admin API does), then its signed client.</summary>
    public static HttpClient EnrolledClient(this AppFactory app, RequestSigner signer)
    {
        app.Services.GetRequiredService<ProviderStore>().EnrolAsync(signer.PublicKeyHex, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return app.SignedClient(signer);
    }

    /// <summary>A new key pair whose public key the operator enrolled.</summary>
    public static RequestSigner NewProvider(this AppFactory app, TimeProvider clock)
    {
        var signer = RequestSigner.Generate(clock);
        app.Services.GetRequiredService<ProviderStore>().EnrolAsync(signer.PublicKeyHex, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return signer;
    }

    /// <summary>Marks a destination proven, as a redeemed code or a pressed "Link this chat" would.</summary>
    public static async Task ProveAsync(this AppFactory app, string provider, NotificationChannel channel, string address)
    {
        var dialect = app.Services.GetRequiredService<SupportRelay.Storage.SqlDialect>();
        await using var connection = await dialect.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await app.Services.GetRequiredService<DestinationStore>().MarkVerifiedAsync(connection, transaction, provider, channel, address, TestContext.Current.CancellationToken);
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A request with explicitly given signature headers, for tampering tests.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string pathAndQuery, SignedHeaders? headers, string? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        headers?.ApplyTo(request.Headers);
        return request;
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, string json) =>
        client.PutAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> GetPathAsync(this HttpClient client, string path) =>
        client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostPathAsync(this HttpClient client, string path) =>
        client.PostAsync(new Uri(path, UriKind.Relative), null, TestContext.Current.CancellationToken);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

    /// <summary>Asserts a ProblemDetails with the status (and, for signature refusals, the code).</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }

        return problem;
    }
}
