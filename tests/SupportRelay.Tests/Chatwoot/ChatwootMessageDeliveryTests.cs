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

    private sealed class OpenCircuit : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new BrokenCircuitException("The circuit is now open and is not allowing calls.");
    }
}
