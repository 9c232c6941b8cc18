using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary><c>setup chatwoot</c> against a fake Chatwoot account API.</summary>
public sealed class ChatwootSetupTests
{
    private const string Url = "https://relay.example.com/api/v1/webhooks/chatwoot";

    [Fact]
    public async Task A_fresh_account_gets_a_bot_on_every_inbox_and_an_account_webhook()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        chatwoot.On("GET", "/api/v1/accounts/1/agent_bots", FakeResponse.Json(Array.Empty<object>()));
        chatwoot.On("POST", "/api/v1/accounts/1/agent_bots", FakeResponse.Json(new { id = 12, name = "SupportRelay", access_token = "bot-tok", secret = "bot-secret" }));
        chatwoot.On("GET", "/api/v1/accounts/1/inboxes", FakeResponse.Json(new { payload = new[] { new { id = 3 }, new { id = 4 } } }));
        chatwoot.On("POST", "/api/v1/accounts/1/inboxes/*/set_agent_bot", new FakeResponse(204));
        chatwoot.On("GET", "/api/v1/accounts/1/webhooks", FakeResponse.Json(new { payload = new { webhooks = Array.Empty<object>() } }));
        chatwoot.On("POST", "/api/v1/accounts/1/webhooks", FakeResponse.Json(new { payload = new { webhook = new { id = 30, url = Url, secret = "hook-secret" } } }));

        var report = await new ChatwootSetup(Client(chatwoot), 1).RunAsync(Url, "SupportRelay", [], TestContext.Current.CancellationToken);

        Assert.Equal((12L, "created", "bot-tok", "bot-secret"), (report.AgentBotId, report.AgentBotAction, report.AgentBotAccessToken, report.AgentBotSecret));
        Assert.Equal([3L, 4L], report.Inboxes);
        Assert.Equal((30L, "created", "hook-secret"), (report.WebhookId, report.WebhookAction, report.WebhookSecret));
        Assert.DoesNotContain(report.NextSteps, s => s.Contains("cannot sign", StringComparison.Ordinal));
        var created = chatwoot.Received("POST", "/agent_bots").Single();
        Assert.Equal(Url, created.Json.GetProperty("outgoing_url").GetString());
        Assert.Equal("admin-token", created.Header("api_access_token"));
        Assert.All(chatwoot.Received("POST", "/set_agent_bot"), r => Assert.Equal(12, r.Json.GetProperty("agent_bot").GetInt64()));
        var hook = chatwoot.Received("POST", "/webhooks").Single().Json;
        Assert.Equal(["conversation_status_changed", "conversation_updated"], hook.GetProperty("subscriptions").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(chatwoot.Unexpected);
    }

    [Fact]
    public async Task Running_it_again_updates_what_exists()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        chatwoot.On("GET", "/api/v1/accounts/1/agent_bots", FakeResponse.Json(new[] { new { id = 12, name = "Old name", outgoing_url = Url } }));
        chatwoot.On("PATCH", "/api/v1/accounts/1/agent_bots/12", FakeResponse.Json(new { id = 12 }));
        chatwoot.On("POST", "/api/v1/accounts/1/inboxes/5/set_agent_bot", new FakeResponse(204));
        chatwoot.On("GET", "/api/v1/accounts/1/webhooks", FakeResponse.Json(new[] { new { id = 30, url = Url, secret = "hook-secret" } }));
        chatwoot.On("PATCH", "/api/v1/accounts/1/webhooks/30", FakeResponse.Json(new { id = 30 }));

        var report = await new ChatwootSetup(Client(chatwoot), 1).RunAsync(Url, "SupportRelay", [5], TestContext.Current.CancellationToken);

        Assert.Equal(("updated", "updated"), (report.AgentBotAction, report.WebhookAction));
        Assert.Equal("hook-secret", report.WebhookSecret);
        // The bot came back without a secret: a Chatwoot before 4.13.0, whose agent bots cannot sign.
        Assert.Contains(report.NextSteps, s => s.Contains("agent bots from 4.13.0", StringComparison.Ordinal) && s.Contains("--token-in-url", StringComparison.Ordinal));
        Assert.Empty(chatwoot.Received("POST", "/agent_bots"));
        Assert.Empty(chatwoot.Received("GET", "/inboxes"));
        Assert.Empty(chatwoot.Unexpected);
    }

    [Fact]
    public async Task A_refusal_is_reported_not_swallowed()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        chatwoot.On("GET", "/api/v1/accounts/1/agent_bots", new FakeResponse(401, """{"error":"unauthorized"}"""));

        var error = await Assert.ThrowsAsync<ChatwootException>(() =>
            new ChatwootSetup(Client(chatwoot), 1).RunAsync(Url, "SupportRelay", [], TestContext.Current.CancellationToken));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.Status);
    }

    [Fact]
    public async Task The_help_center_check_reads_it_as_the_service_does_and_names_the_setting_to_fix()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        var helpCenter = new FakeHelpCenter(chatwoot, "chat.acme.example");
        helpCenter.Serve("acme-help", "fr", ChatwootFixture.Load("4.15", "hc_articles_list").Json["payload"]!.AsArray().Select(a => (object)a!.DeepClone().AsObject()).ToList());
        chatwoot.On("GET", "/api/v1/accounts/1/portals/acme-help", FakeResponse.Json(new { slug = "acme-help", config = new { allowed_locales = new[] { new { code = "fr" } }, default_locale = "fr" } }));
        var internalOnly = Options(chatwoot, "acme-help");
        var withPublicUrl = Options(chatwoot, "acme-help", publicUrl: "https://chat.acme.example");

        var refused = await new ChatwootSetup(Client(chatwoot), 1).CheckHelpCenterAsync(internalOnly, TestContext.Current.CancellationToken);
        var ok = await new ChatwootSetup(Client(chatwoot, withPublicUrl), 1).CheckHelpCenterAsync(withPublicUrl, TestContext.Current.CancellationToken);

        Assert.Equal(("misconfigured", "help_center_host_refused"), (refused.Status, refused.Problem));
        Assert.Contains("'127.0.0.1'", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("Chatwoot:HelpCenterUrl", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(("ok", "fr", 3, "chat.acme.example"), (ok.Status, ok.Locale, ok.Articles, ok.Host));
        Assert.Null(ok.Detail);
    }

    [Fact]
    public async Task The_help_center_check_names_the_accounts_portals_when_the_slug_is_unknown()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        var helpCenter = new FakeHelpCenter(chatwoot, "127.0.0.1");
        helpCenter.Serve("acme-help", "en", []);
        helpCenter.Serve("old-help", "en", []);
        helpCenter.Archive("old-help");
        chatwoot.On("GET", "/api/v1/accounts/1/portals/*", new FakeResponse(404, """{"error":"Resource could not be found"}"""));
        chatwoot.On("GET", "/api/v1/accounts/1/portals", FakeResponse.Json(new { payload = new object[] { new { slug = "acme-help", archived = false }, new { slug = "old-help", archived = true } }, meta = new { } }));

        var check = await new ChatwootSetup(Client(chatwoot), 1).CheckHelpCenterAsync(Options(chatwoot, "acme-hlep"), TestContext.Current.CancellationToken);
        var archived = await new ChatwootSetup(Client(chatwoot), 1).CheckHelpCenterAsync(Options(chatwoot, "old-help"), TestContext.Current.CancellationToken);

        Assert.Equal(("misconfigured", "help_center_portal_unknown"), (check.Status, check.Problem));
        Assert.Contains("'acme-hlep'", check.Detail, StringComparison.Ordinal);
        Assert.Contains("This account's portals: acme-help, old-help (archived).", check.Detail, StringComparison.Ordinal);
        Assert.Equal("help_center_portal_unknown", archived.Problem);
    }

    private static ChatwootOptions Options(FakeHttpServer chatwoot, string portal, string? publicUrl = null) => new()
    {
        BaseUrl = chatwoot.BaseUrl,
        PublicUrl = publicUrl is null ? null : new Uri(publicUrl),
        AccountId = 1,
        ApiAccessToken = "admin-token",
        DefaultPortalSlug = portal,
    };

    /// <summary>The client as the command line gets it: from the service's registrations, with its resilience pipeline.</summary>
    private static ChatwootClient Client(FakeHttpServer chatwoot, ChatwootOptions? options = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chatwoot:BaseUrl"] = chatwoot.BaseUrl.ToString(),
            ["Chatwoot:PublicUrl"] = options?.PublicUrl?.ToString(),
            ["Chatwoot:ApiAccessToken"] = "admin-token",
            ["Chatwoot:AccountId"] = "1",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddChatwoot();
        return services.BuildServiceProvider().GetRequiredService<ChatwootClient>();
    }
}
