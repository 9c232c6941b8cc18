using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

public abstract class AdminContractsTests(DatabaseKind database)
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null, AppFactory? sameDatabaseAs = null) =>
        ProviderTestKit.App(clock, settings, database, sameDatabaseAs);

    private const string Key = "4f16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b103386";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Put(string contractId, string body, string? token) =>
        WithToken(new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/admin/contracts/{contractId}", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }, token);

    private static HttpRequestMessage Delete(string contractId, string? token) =>
        WithToken(new HttpRequestMessage(HttpMethod.Delete, new Uri($"/api/v1/admin/contracts/{contractId}", UriKind.Relative)), token);

    private static HttpRequestMessage WithToken(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Without_a_configured_token_the_admin_api_is_404_even_with_a_token(string? configured)
    {
        await using var app = App(Clock(), new Dictionary<string, string?> { ["Admin:ApiToken"] = configured });
        var client = app.CreateClient();

        await (await client.SendAsync(Put("c-1", $$"""{"providerPubkey":"{{Key}}"}""", "anything-at-all-0123456789"), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.SendAsync(Delete("c-1", null), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdef")]
    [InlineData("operator-token-0123456789abcde")]
    [InlineData("")]
    public async Task A_missing_or_wrong_token_is_401(string? token)
    {
        await using var app = App(Clock(), new Dictionary<string, string?> { ["Admin:ApiToken"] = AdminToken });
        var client = app.CreateClient();

        var put = await client.SendAsync(Put("c-1", $$"""{"providerPubkey":"{{Key}}"}""", token), Ct);
        var delete = await client.SendAsync(Delete("c-1", token), Ct);

        await put.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await delete.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", put.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Null(await app.Services.GetRequiredService<ProviderStore>().FindContractProviderAsync("c-1", Ct));
    }

    [Fact]
    public async Task A_signed_provider_request_is_no_admin_credential()
    {
        var clock = Clock();
        await using var app = App(clock, new Dictionary<string, string?> { ["Admin:ApiToken"] = AdminToken });

        var response = await app.EnrolledClient(RequestSigner.Generate(clock)).SendAsync(Put("c-1", $$"""{"providerPubkey":"{{Key}}"}""", null), Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task With_the_right_token_contracts_are_created_replaced_and_deleted()
    {
        await using var app = App(Clock(), new Dictionary<string, string?> { ["Admin:ApiToken"] = AdminToken });
        var client = app.CreateClient();
        var store = app.Services.GetRequiredService<ProviderStore>();
        var other = new string('a', 64);

        var created = await client.SendAsync(Put("contract-42", $$"""{"providerPubkey":"{{Key.ToUpperInvariant()}}"}""", AdminToken), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.Equal("contract-42", body.GetProperty("contractId").GetString());
        Assert.Equal(Key, body.GetProperty("providerPubkey").GetString());
        Assert.Equal(Key, await store.FindContractProviderAsync("contract-42", Ct));

        var replaced = await client.SendAsync(Put("contract-42", $$"""{"providerPubkey":"{{other}}"}""", AdminToken), Ct);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(other, await store.FindContractProviderAsync("contract-42", Ct));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(Delete("contract-42", AdminToken), Ct)).StatusCode);
        Assert.Null(await store.FindContractProviderAsync("contract-42", Ct));
        await (await client.SendAsync(Delete("contract-42", AdminToken), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("c-1", """{"providerPubkey":"abc"}""", "providerPubkey")]
    [InlineData("c-1", """{"providerPubkey":null}""", "providerPubkey")]
    [InlineData("c-1", """{"providerPubkey":12}""", "providerPubkey")]
    [InlineData("c-1", """{}""", "providerPubkey")]
    [InlineData("c-1", """[]""", "body")]
    [InlineData("c-1", """{oops""", "body")]
    [InlineData("c-1", """{"providerPubkey":"\ud800"}""", "body")]
    [InlineData("caf%C3%A9", """{"providerPubkey":"4f16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b103386"}""", "contractId")]
    public async Task Invalid_contract_requests_are_400_naming_the_field(string contractId, string body, string field)
    {
        await using var app = App(Clock(), new Dictionary<string, string?> { ["Admin:ApiToken"] = AdminToken });

        var response = await app.CreateClient().SendAsync(Put(contractId, body, AdminToken), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_too_short_admin_token_stops_the_start()
    {
        await using var app = App(Clock(), new Dictionary<string, string?> { ["Admin:ApiToken"] = "short" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("Admin:ApiToken", error.ToString(), StringComparison.Ordinal);
    }
}

public sealed class AdminContractsTestsOnSqlite() : AdminContractsTests(DatabaseKind.Sqlite);

public sealed class AdminContractsTestsOnPostgres() : AdminContractsTests(DatabaseKind.Postgres);
