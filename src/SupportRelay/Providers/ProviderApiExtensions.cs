using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
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

        services.AddSingleton<NonceStore>();
        services.AddSingleton<ProviderStore>();
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
        app.UseRateLimiter(Limiter(new Limit("requests per client address", limits.RequestsPerMinutePerIp, TimeSpan.FromMinutes(1), context =>
            RateLimitedPrefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                ? "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
                : null)));
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter(Limiter(
            new Limit("requests per provider key", limits.RequestsPerMinutePerKey, TimeSpan.FromMinutes(1), context =>
                SignedProvider(context) is { } key ? "key:" + key : null),
            // A test may send an SMS, which costs the operator money: far fewer of those.
            new Limit("test notifications per provider key", limits.NotificationTestsPerHour, TimeSpan.FromHours(1), context =>
                SignedProvider(context) is { } key && context.Request.Path.Equals(ProviderEndpoints.TestPath, StringComparison.OrdinalIgnoreCase)
                    ? "test:" + key
                    : null)));

        app.MapProviderEndpoints();
        app.MapAdminEndpoints();
        return app;
    }

    private static string? SignedProvider(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, AuthenticationType: SignedRequestAuthenticationHandler.SchemeName }
            ? context.User.ProviderKey()
            : null;

    /// <summary>One fixed-window limit; a null partition means the limit does not apply to the request.</summary>
    private sealed record Limit(string Name, int Permits, TimeSpan Window, Func<HttpContext, string?> Partition)
    {
        public PartitionedRateLimiter<HttpContext> Create() => PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context) is { } key
            ? RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Permits,
                Window = Window,
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter(""));

        public string Describe() => $"at most {Permits} {Name} per {(Window == TimeSpan.FromHours(1) ? "hour" : "minute")}";
    }

    private static RateLimiterOptions Limiter(params Limit[] limits) => new()
    {
        RejectionStatusCode = StatusCodes.Status429TooManyRequests,
        GlobalLimiter = limits.Length == 1 ? limits[0].Create() : PartitionedRateLimiter.CreateChained([.. limits.Select(l => l.Create())]),
        OnRejected = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var applicable = limits.Where(l => l.Partition(context) is not null).ToList();
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : applicable.Max(l => l.Window);
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"Rate limit reached ({string.Join("; ", applicable.Select(l => l.Describe()))}); retry after {seconds} s.",
                },
            });
        },
    };
}
