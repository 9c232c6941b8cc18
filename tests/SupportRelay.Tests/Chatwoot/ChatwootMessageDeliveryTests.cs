using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly.CircuitBreaker;
using SupportRelay.Chatwoot;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>The Chatwoot poster's decisions, with Chatwoot's client answering as the resilience pipeline would.</summary>
public sealed class ChatwootMessageDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_open_circuit_breaker_postpones_without_spending_an_attempt()
    {
        await using var app = new AppFactory(new Dictionary<string, string?>
        {
            ["Workers:Enabled"] = "false",
            ["Chatwoot:BaseUrl"] = "http://chatwoot.invalid/",
        });
        await using var withBreaker = app.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddHttpClient<ChatwootClient>().ConfigurePrimaryHttpMessageHandler(() => new OpenCircuit())));
        var delivery = withBreaker.Services.GetRequiredService<ChatwootMessageDelivery>();
        var job = new ChatwootMessageJob(7, 42, "hello", false, null, 0);

        var outcome = await delivery.PostAsync(new WorkItem(1, ChatwootMessageJob.Kind, job.ToJson(), 1, 0), job, null, Ct);

        Assert.IsType<WorkOutcome.PostponeOutcome>(outcome);
    }

    [Fact]
    public async Task Only_the_flood_limit_422_waits_a_minute_every_other_422_is_final()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        await using var app = new AppFactory(new Dictionary<string, string?>
        {
            ["Workers:Enabled"] = "false",
            ["Chatwoot:BaseUrl"] = chatwoot.BaseUrl.ToString(),
            ["Chatwoot:BotAccessToken"] = "bot-token",
        });
        var delivery = app.Services.GetRequiredService<ChatwootMessageDelivery>();
        chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", new FakeResponse(422, ChatwootFixture.Load("4.15", "api_message_create_flood_422").Text));
        chatwoot.On("POST", "/api/v1/accounts/7/conversations/43/messages", new FakeResponse(422, """{"error":"Validation failed: Content is too long (maximum is 150000 characters)"}"""));
        chatwoot.On("POST", "/api/v1/accounts/7/conversations/44/messages", new FakeResponse(422, """{"error":"At least one item is required."}"""));
        chatwoot.On("POST", "/api/v1/accounts/7/conversations/44/toggle_status", FakeResponse.Json(new { meta = new { }, payload = new { success = (bool?)null } }));

        async Task<WorkOutcome> Post(long conversation, string? thenStatus = null)
        {
            var job = new ChatwootMessageJob(7, conversation, "hello", false, thenStatus, 0);
            return await delivery.PostAsync(new WorkItem(1, ChatwootMessageJob.Kind, job.ToJson(), 1, 0), job, null, Ct);
        }

        var flood = await Post(42);
        var invalid = await Post(43);
        var handoff = await Post(44, thenStatus: "open");

        Assert.Equal(TimeSpan.FromSeconds(60), Assert.IsType<WorkOutcome.RetryOutcome>(flood).After);
        Assert.Contains("422", Assert.IsType<WorkOutcome.FailOutcome>(invalid).Error, StringComparison.Ordinal);
        // A handoff whose message is refused still opens the conversation.
        Assert.Contains("handed off without its message", Assert.IsType<WorkOutcome.FailOutcome>(handoff).Error, StringComparison.Ordinal);
        Assert.Single(chatwoot.Received("POST", "/conversations/44/toggle_status"));
        Assert.Single(chatwoot.Received("POST", "/conversations/43/messages"));
    }

    private sealed class OpenCircuit : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new BrokenCircuitException("The circuit is now open and is not allowing calls.");
    }
}
