using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

/// <summary>Only keys the operator enrolled are providers; a stranger's signed request stores nothing.</summary>
public abstract class EnrolmentTests(DatabaseKind database)
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null) =>
        ProviderTestKit.App(clock, settings, database);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Admin(HttpMethod method, string path) =>
        new(method, new Uri(path, UriKind.Relative)) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdminToken) } };

    [Fact]
    public async Task A_key_nobody_enrolled_is_403_and_nothing_is_stored_for_it()
    {
        var clock = Clock();
        await using var app = App(clock);
        var client = app.SignedClient(RequestSigner.Generate(clock));

        var put = await client.PutJsonAsync(ConfigPath, """{"notifyVia":"sms","notifyPhone":"+19005550123"}""");
        var test = await client.PostPathAsync(TestPath);
        var link = await client.PostPathAsync(TelegramLinkPath);

        foreach (var response in new[] { put, test, link })
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "not-enrolled");
        }

        await using var connection = await app.OpenDatabaseAsync();
        foreach (var table in new[] { "providers", "notification_configs", "request_nonces", "telegram_link_codes", "provider_destinations", "message_log" })
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {table}", cancellationToken: Ct)));
        }
    }

    [Fact]
    public async Task The_operator_enrols_by_admin_api_contract_or_configuration_and_removes_by_admin_api()
    {
        var clock = Clock();
        var configured = RequestSigner.Generate(clock);
        await using var app = App(clock, new Dictionary<string, string?>
        {
            ["Admin:ApiToken"] = AdminToken,
            ["ProviderApi:EnrolledProviders:0"] = configured.PublicKeyHex.ToUpperInvariant(),
        });
        var admin = app.CreateClient();
        var byApi = RequestSigner.Generate(clock);
        var byContract = RequestSigner.Generate(clock);
        const string Config = """{"notifyVia":"email","notifyEmail":"ops@example.com"}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await app.SignedClient(byApi).PutJsonAsync(ConfigPath, Config)).StatusCode);

        var enrolled = await admin.SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/providers/{byApi.PublicKeyHex}"), Ct);
        var again = await admin.SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/providers/{byApi.PublicKeyHex}"), Ct);
        using var contract = Admin(HttpMethod.Put, "/api/v1/admin/contracts/c-9");
        contract.Content = new StringContent($$"""{"providerPubkey":"{{byContract.PublicKeyHex}}"}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(contract, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        foreach (var signer in new[] { configured, byApi, byContract })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.SignedClient(signer).PutJsonAsync(ConfigPath, Config)).StatusCode);
        }

        var listed = await (await admin.SendAsync(Admin(HttpMethod.Get, "/api/v1/admin/providers"), Ct)).JsonAsync();
        Assert.Equal(
            new[] { (byApi.PublicKeyHex, "admin"), (byContract.PublicKeyHex, "contract"), (configured.PublicKeyHex, "configuration") }.Order(),
            listed.EnumerateArray().Select(p => (p.GetProperty("publicKey").GetString()!, p.GetProperty("enrolledBy").GetString()!)).Order());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(Admin(HttpMethod.Delete, $"/api/v1/admin/providers/{byApi.PublicKeyHex}"), Ct)).StatusCode);
        await (await admin.SendAsync(Admin(HttpMethod.Delete, $"/api/v1/admin/providers/{byApi.PublicKeyHex}"), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await app.SignedClient(byApi).GetPathAsync(ConfigPath)).AssertProblemAsync(HttpStatusCode.Forbidden, "not-enrolled");
        await using var connection = await app.OpenDatabaseAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM notification_configs WHERE provider_pubkey = @key", new { key = byApi.PublicKeyHex }, cancellationToken: Ct)));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("4f16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b10338")]
    public async Task Enrolling_something_that_is_not_a_key_is_400_naming_the_field(string key)
    {
        await using var app = App(Clock(), new Dictionary<string, string?> { ["Admin:ApiToken"] = AdminToken });

        var problem = await (await app.CreateClient().SendAsync(Admin(HttpMethod.Put, $"/api/v1/admin/providers/{key}"), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("publicKey", out _));
    }
}

public sealed class EnrolmentTestsOnSqlite() : EnrolmentTests(DatabaseKind.Sqlite);

public sealed class EnrolmentTestsOnPostgres() : EnrolmentTests(DatabaseKind.Postgres);
