using System.Net;
using System.Text.Json;
using Dapper;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

public abstract class NotificationConfigTests(DatabaseKind database)
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null, AppFactory? sameDatabaseAs = null) =>
        ProviderTestKit.App(clock, settings, database, sameDatabaseAs);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_put_registers_the_provider_and_get_returns_the_config_in_camel_case()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = RequestSigner.Generate(clock);
        var client = app.EnrolledClient(signer);

        var put = await client.PutJsonAsync(ConfigPath, """
            {"chatwootPortalSlug":"acme-hosting","notifyVia":"sms","notifyPhone":"+41791234567","notifyEmail":"ops@acme.example","telegramChatId":null}
            """);
        var get = await client.GetPathAsync(ConfigPath);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var config = await get.JsonAsync();
        Assert.Equal(signer.PublicKeyHex, config.GetProperty("providerPubkey").GetString());
        Assert.Equal("acme-hosting", config.GetProperty("chatwootPortalSlug").GetString());
        Assert.Equal("sms", config.GetProperty("notifyVia").GetString());
        Assert.Equal("+41791234567", config.GetProperty("notifyPhone").GetString());
        Assert.Equal("ops@acme.example", config.GetProperty("notifyEmail").GetString());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("telegramChatId").ValueKind);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), config.GetProperty("updatedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        await using var connection = await app.OpenDatabaseAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM providers WHERE pubkey = @key", new { key = signer.PublicKeyHex }, cancellationToken: Ct)));
    }

    [Fact]
    public async Task Put_replaces_the_whole_config()
    {
        var clock = Clock();
        await using var app = App(clock);
        var client = app.EnrolledClient(RequestSigner.Generate(clock));
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"sms","notifyPhone":"+41791234567","chatwootPortalSlug":"acme"}""");

        var put = await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","telegramChatId":-1001234567890}""");

        var config = await put.JsonAsync();
        Assert.Equal("telegram", config.GetProperty("notifyVia").GetString());
        Assert.Equal(-1001234567890, config.GetProperty("telegramChatId").GetInt64());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("notifyPhone").ValueKind);
        Assert.Equal(JsonValueKind.Null, config.GetProperty("chatwootPortalSlug").ValueKind);
        Assert.Equal(config.ToString(), (await (await client.GetPathAsync(ConfigPath)).JsonAsync()).ToString());
    }

    [Fact]
    public async Task Two_providers_cannot_see_or_change_each_others_config()
    {
        var clock = Clock();
        await using var app = App(clock);
        var alice = app.EnrolledClient(RequestSigner.Generate(clock));
        var bob = app.EnrolledClient(RequestSigner.Generate(clock));

        await alice.PutJsonAsync(ConfigPath, """{"notifyVia":"email","notifyEmail":"alice@example.com"}""");
        await (await bob.GetPathAsync(ConfigPath)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await bob.PostPathAsync(TestPath)).AssertProblemAsync(HttpStatusCode.NotFound);
        await bob.PutJsonAsync(ConfigPath, """{"notifyVia":"email","notifyEmail":"bob@example.com"}""");

        Assert.Equal("alice@example.com", (await (await alice.GetPathAsync(ConfigPath)).JsonAsync()).GetProperty("notifyEmail").GetString());
        Assert.Equal("bob@example.com", (await (await bob.GetPathAsync(ConfigPath)).JsonAsync()).GetProperty("notifyEmail").GetString());
    }

    public static TheoryData<string> GoodBodies() =>
    [
        """{"notifyVia":"email","notifyEmail":"a@b.co"}""",
        """{"notifyVia":"email","notifyEmail":"first.last+tag@mail.example-host.org"}""",
        """{"notifyVia":"sms","notifyPhone":"+14155552671"}""",
        """{"notifyVia":"sms","notifyPhone":"+447400123456","notifyEmail":null,"telegramChatId":null,"chatwootPortalSlug":null}""",
        """{"notifyVia":"telegram","telegramChatId":123456789}""",
        """{"notifyVia":"telegram","telegramChatId":-1001234567890,"chatwootPortalSlug":"help_center-2"}""",
        """{"notifyVia":"email","notifyEmail":"x@example.com","chatwootPortalSlug":"a"}""",
        $$"""{"notifyVia":"email","notifyEmail":"x@example.com","chatwootPortalSlug":"{{new string('a', 100)}}"}""",
    ];

    [Theory]
    [MemberData(nameof(GoodBodies))]
    public async Task Valid_configs_are_stored(string body)
    {
        var clock = Clock();
        await using var app = App(clock);

        var response = await app.EnrolledClient(RequestSigner.Generate(clock)).PutJsonAsync(ConfigPath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(body).RootElement;
        var stored = await response.JsonAsync();
        foreach (var property in sent.EnumerateObject())
        {
            Assert.Equal(property.Value.ToString(), stored.GetProperty(property.Name).ToString());
        }
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        // notifyVia
        { """{"notifyEmail":"a@b.co"}""", "notifyVia" },
        { """{"notifyVia":null,"notifyEmail":"a@b.co"}""", "notifyVia" },
        { """{"notifyVia":"pigeon"}""", "notifyVia" },
        { """{"notifyVia":"Email","notifyEmail":"a@b.co"}""", "notifyVia" },
        { """{"notifyVia":1}""", "notifyVia" },
        { """{"notifyVia":["email"],"notifyEmail":"a@b.co"}""", "notifyVia" },
        { """{"notifyVia":"télégram"}""", "notifyVia" },
        { $$"""{"notifyVia":"{{new string('e', 10_000)}}"}""", "notifyVia" },
        // telegram
        { """{"notifyVia":"telegram"}""", "telegramChatId" },
        { """{"notifyVia":"telegram","telegramChatId":null}""", "telegramChatId" },
        { """{"notifyVia":"telegram","telegramChatId":"123"}""", "telegramChatId" },
        { """{"notifyVia":"telegram","telegramChatId":1.5}""", "telegramChatId" },
        { """{"notifyVia":"telegram","telegramChatId":0}""", "telegramChatId" },
        { """{"notifyVia":"telegram","telegramChatId":99999999999999999999}""", "telegramChatId" },
        { """{"notifyVia":"telegram","telegramChatId":true}""", "telegramChatId" },
        // sms
        { """{"notifyVia":"sms"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":null}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"0446681800"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+41 44 668 18 00"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+1555"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+10000000000"}""", "notifyPhone" },
        // Numbers that cost the operator money or take no SMS: premium-rate (US 900, UK 09), shared cost, toll free, landline.
        { """{"notifyVia":"sms","notifyPhone":"+19002001234"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+449098790000"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+448452001234"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+18005550199"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+41446681800"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+٤١٤٤٦٦٨١٨٠٠"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":"+41791234567\n"}""", "notifyPhone" },
        { """{"notifyVia":"sms","notifyPhone":41446681800}""", "notifyPhone" },
        { $$"""{"notifyVia":"sms","notifyPhone":"+{{new string('4', 5000)}}"}""", "notifyPhone" },
        // email
        { """{"notifyVia":"email"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":""}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":"not-an-address"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":"a@localhost"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":"Name <a@b.co>"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":"a b@c.co"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":"jürgen@exämple.de"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co\r\nBcc: x@y.co"}""", "notifyEmail" },
        { """{"notifyVia":"email","notifyEmail":{"address":"a@b.co"}}""", "notifyEmail" },
        { $$"""{"notifyVia":"email","notifyEmail":"{{new string('a', 250)}}@b.co"}""", "notifyEmail" },
        // slug
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":"Has Spaces"}""", "chatwootPortalSlug" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":"UPPER"}""", "chatwootPortalSlug" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":"-leading"}""", "chatwootPortalSlug" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":"../admin"}""", "chatwootPortalSlug" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":"hilfe-zürich"}""", "chatwootPortalSlug" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":""}""", "chatwootPortalSlug" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":42}""", "chatwootPortalSlug" },
        { $$"""{"notifyVia":"email","notifyEmail":"a@b.co","chatwootPortalSlug":"{{new string('a', 101)}}"}""", "chatwootPortalSlug" },
        // the body itself
        { """{"notifyVia":"email","notifyEmail":"a@b.co","notify_via":"sms"}""", "notify_via" },
        { """["email"]""", "body" },
        { "null", "body" },
        { "{not json", "body" },
        { """{"notifyVia":"email","notifyEmail":"a\udc00@b.co"}""", "body" },
        { """{"\ud800":"email"}""", "body" },
        { """{"notifyVia":"email","notifyEmail":"a@b.co","notifyEmail":"evil@b.co"}""", "body" },
        { "", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Invalid_configs_are_400_naming_the_field_and_store_nothing(string body, string field)
    {
        var clock = Clock();
        await using var app = App(clock);
        var client = app.EnrolledClient(RequestSigner.Generate(clock));

        var response = await client.PutJsonAsync(ConfigPath, body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.NotEmpty(messages.EnumerateArray().First().GetString()!);
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await client.GetPathAsync(ConfigPath)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_that_is_not_declared_json_is_415()
    {
        var clock = Clock();
        await using var app = App(clock);
        using var content = new StringContent("""{"notifyVia":"email","notifyEmail":"a@b.co"}""", System.Text.Encoding.UTF8, "text/plain");

        var response = await app.EnrolledClient(RequestSigner.Generate(clock)).PutAsync(new Uri(ConfigPath, UriKind.Relative), content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_named()
    {
        var clock = Clock();
        await using var app = App(clock);

        var response = await app.EnrolledClient(RequestSigner.Generate(clock)).PutJsonAsync(ConfigPath,
            """{"notifyVia":"sms","notifyPhone":"123","notifyEmail":"nope","chatwootPortalSlug":"A B"}""");

        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["chatwootPortalSlug", "notifyEmail", "notifyPhone"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }
}

public sealed class NotificationConfigTestsOnSqlite() : NotificationConfigTests(DatabaseKind.Sqlite);

public sealed class NotificationConfigTestsOnPostgres() : NotificationConfigTests(DatabaseKind.Postgres);
