using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using SupportRelay.Delivery;
using SupportRelay.HelpCenter;

namespace SupportRelay.Chatwoot;

public static class ChatwootExtensions
{
    public static IServiceCollection AddChatwoot(this IServiceCollection services)
    {
        services.AddOptions<ChatwootOptions>().BindConfiguration(ChatwootOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookAuthenticator>();
        services.AddSingleton<ArticleCatalog>();
        services.AddSingleton<ChatwootMessageDelivery>();
        // Also used directly by the Telegram bridge to post providers' replies.
        services.AddSingleton<IDeliveryHandler>(sp => sp.GetRequiredService<ChatwootMessageDelivery>());
        services.AddHttpClient<ChatwootClient>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<ChatwootOptions>>().Value;
                if (options.BaseUrl is not null)
                {
                    http.BaseAddress = new Uri(options.BaseUrl.ToString().TrimEnd('/') + "/");
                }

                // The resilience pipeline below owns timeouts.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var timeout = sp.GetRequiredService<IOptions<ChatwootOptions>>().Value.RequestTimeout;
                resilience.AttemptTimeout.Timeout = timeout;
                resilience.TotalRequestTimeout.Timeout = timeout * 3;
                resilience.CircuitBreaker.SamplingDuration = timeout * 2 > TimeSpan.FromSeconds(30) ? timeout * 2 : TimeSpan.FromSeconds(30);
                resilience.Retry.MaxRetryAttempts = 2;
                // Posting a message twice is worse than posting it late: unsafe calls are retried by the outbox,
                // which knows whether the message went out.
                resilience.Retry.DisableForUnsafeHttpMethods();
            });
        return services;
    }
}
