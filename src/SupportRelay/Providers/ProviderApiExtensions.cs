using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace SupportRelay.Providers;

/// <summary>The provider and admin APIs: their services, their rate limits and their endpoints.</summary>
public static class ProviderApiExtensions
{
    /// <summary>The providers' stores, which the web host, the workers and the command line share.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services)
    {
        services.AddOptions<ProviderApiOptions>().BindConfiguration(ProviderApiOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DestinationStore>();
        services.AddSingleton<ProviderStore>();
        return services;
    }

    public static WebApplicationBuilder AddProviderApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<NonceStore>();
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

    public static WebApplication MapProviderApi(this WebApplication app)
    {
        app.MapProviderEndpoints();
        app.MapAdminEndpoints();
        return app;
    }

    /// <summary>
    /// Requests per client address, before authentication (so floods of bad signatures cost little), with a
    /// budget of its own for each API (<see cref="RateLimitBudget"/> on the endpoint): a busy provider behind the
    /// same proxy cannot lock the operator out, nor the reverse.
    /// </summary>
    public static RateLimiterOptions ClientAddressLimits(IServiceProvider services)
    {
        var providers = services.GetRequiredService<IOptions<ProviderApiOptions>>().Value;
        var admin = services.GetRequiredService<IOptions<AdminOptions>>().Value;
        return Limiter(
            new Limit("provider API requests per client address", providers.RequestsPerMinutePerIp, TimeSpan.FromMinutes(1), context =>
                Budget(context) == RateLimitBudget.Provider ? "provider:" + ClientAddress(context) : null),
            new Limit("admin API requests per client address", admin.RequestsPerMinutePerIp, TimeSpan.FromMinutes(1), context =>
                Budget(context) == RateLimitBudget.Admin ? "admin:" + ClientAddress(context) : null));
    }

    /// <summary>
    /// Requests per provider key, after authentication, so nobody can spend another provider's budget by sending
    /// its key in an unsigned request. (Messages a call sends are capped in the database: <c>MessageBudget</c>.)
    /// </summary>
    public static RateLimiterOptions ProviderKeyLimits(IServiceProvider services)
    {
        var providers = services.GetRequiredService<IOptions<ProviderApiOptions>>().Value;
        return Limiter(new Limit("requests per provider key", providers.RequestsPerMinutePerKey, TimeSpan.FromMinutes(1), context =>
            SignedProvider(context) is { } key ? "key:" + key : null));
    }

    private static string? Budget(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<RateLimitBudget>()?.Name;

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

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
