using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SupportRelay.Providers;

/// <summary>The provider feature's one line in the composition root, for services and for the pipeline.</summary>
public static class ProviderApiExtensions
{
    private static readonly string[] RateLimitedPrefixes = ["/api/v1/providers", "/api/v1/admin"];

    public static WebApplicationBuilder AddProviderApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ProviderApiOptions>().BindConfiguration(ProviderApiOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelegramLinkOptions>().BindConfiguration(TelegramLinkOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<NonceStore>();
        services.AddSingleton<ProviderStore>();
        // TryAdd: the notification channels' registration replaces this placeholder whatever the order.
        services.TryAddSingleton<INotificationSender, UnavailableNotificationSender>();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ProviderJsonContext.Default));

        services.AddAuthentication()
            .AddScheme<SignedRequestAuthenticationOptions, SignedRequestAuthenticationHandler>(SignedRequestAuthenticationHandler.SchemeName, null)
            .AddScheme<AdminTokenAuthenticationOptions, AdminTokenAuthenticationHandler>(AdminTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ProviderEndpoints.PolicyName, new AuthorizationPolicyBuilder(SignedRequestAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .AddPolicy(AdminEndpoints.PolicyName, new AuthorizationPolicyBuilder(AdminTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        services.AddRateLimiter(_ => { });
        return builder;
    }

    /// <summary>
    /// The pipeline and the endpoints. Rate limiting runs twice on purpose: per client address before
    /// authentication (so floods of bad signatures are cheap), and per public key after it (so nobody
    /// can spend another provider's budget by sending its key in an unsigned request).
    /// </summary>
    public static WebApplication MapProviderApi(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<ProviderApiOptions>>().Value;
        app.UseRateLimiter(Limiter(limits.RequestsPerMinutePerIp, context =>
            RateLimitedPrefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                ? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
                : null));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(Limiter(limits.RequestsPerMinutePerKey, context =>
            context.User.Identity is { IsAuthenticated: true, AuthenticationType: SignedRequestAuthenticationHandler.SchemeName }
                ? "key:" + context.User.ProviderKey()
                : null));

        app.MapProviderEndpoints();
        app.MapAdminEndpoints();
        return app;
    }

    private static RateLimiterOptions Limiter(int perMinute, Func<HttpContext, string?> partition)
    {
        var options = new RateLimiterOptions
        {
            RejectionStatusCode = StatusCodes.Status429TooManyRequests,
            GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => partition(context) is { } key
                ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("")),
            OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"At most {perMinute} requests per minute; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.",
                    },
                });
            },
        };
        return options;
    }
}
