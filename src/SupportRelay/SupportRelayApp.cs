using SupportRelay.Bot;
using SupportRelay.Chatwoot;
using SupportRelay.Notifications;
using SupportRelay.Operations;
using SupportRelay.Providers;
using SupportRelay.Retrieval;
using SupportRelay.Storage;
using SupportRelay.Telegram;

namespace SupportRelay;

/// <summary>The composition root: every feature's services and endpoints, in one place.</summary>
public static class SupportRelayApp
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddSupportRelay(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // The host's request lines carry the query string, and a Chatwoot that cannot sign sends its secret
        // as ?token=: they are not logged whatever the configuration says (metrics count the requests).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddProblemDetails();
        builder.Services.AddSupportRelayCore();
        builder.Services.AddWorkers();
        builder.Services.AddMetricsExport();
        builder.AddProviderApi();
        builder.AddOperations();
        return builder;
    }

    /// <summary>The services the web host and the command line share.</summary>
    public static IServiceCollection AddSupportRelayCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<SupportRelayMetrics>();
        services.AddSingleton<ConfigurationProblems>();
        services.AddSingleton<WorkSignal>();
        services.AddStorage();
        services.AddProviders();
        // The provider the operator named as the default is enrolled by being named.
        services.AddOptions<ProviderApiOptions>().PostConfigure<Microsoft.Extensions.Options.IOptions<BotOptions>>((options, bot) =>
        {
            if (bot.Value.DefaultProviderPubkey is { Length: > 0 } fallback && !options.EnrolledProviders.Contains(fallback, StringComparer.OrdinalIgnoreCase))
            {
                options.EnrolledProviders.Add(fallback.ToLowerInvariant());
            }
        });
        services.AddChatwoot();
        services.AddRetrieval();
        services.AddBot();
        services.AddNotifications();
        services.AddTelegram();
        return services;
    }

    /// <summary>The pipeline, in order, then every feature's endpoints.</summary>
    public static WebApplication MapSupportRelay(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ForwardedHeadersSettings>>().Value.IsConfigured)
        {
            // Client addresses from the configured proxies only (ForwardedHeadersSettings); the rate limits count them.
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Per client address before authentication, so floods of bad signatures cost little; per provider key after.
        app.UseRateLimiter(ProviderApiExtensions.ClientAddressLimits(app.Services));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(ProviderApiExtensions.ProviderKeyLimits(app.Services));
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapChatwootWebhooks();
        app.MapTelegramWebhook();
        app.MapOperations();
        app.MapProviderApi();
        return app;
    }
}
