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

    /// <summary>The client as the command line gets it: from the service's registrations, with its resilience pipeline.</summary>
    private static ChatwootClient Client(FakeHttpServer chatwoot)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chatwoot:BaseUrl"] = chatwoot.BaseUrl.ToString(),
            ["Chatwoot:ApiAccessToken"] = "admin-token",
            ["Chatwoot:AccountId"] = "1",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddChatwoot();
        return services.BuildServiceProvider().GetRequiredService<ChatwootClient>();
    }
}
