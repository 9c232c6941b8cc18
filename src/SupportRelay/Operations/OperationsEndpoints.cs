using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;
using SupportRelay.Storage;

namespace SupportRelay.Operations;

/// <summary>
/// Readiness: the database, and the configuration problems this replica met (a wrong setting does not make it
/// unready for the load balancer, since webhooks are still stored, but the operator must see it).
/// </summary>
public sealed record ReadinessResponse(string Status, string Database, IReadOnlyList<ReadinessProblem> Problems);

/// <summary>A known configuration problem: what (<see cref="Problem"/>), where (<see cref="Scope"/>), what to fix, since when.</summary>
public sealed record ReadinessProblem(string Problem, string Scope, string Detail, DateTimeOffset Since);

/// <summary>What operators look at: readiness, the OpenAPI document and the API reference page.</summary>
public static partial class OperationsEndpoints
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        // After the host's own configuration (ASPNETCORE_FORWARDEDHEADERS_ENABLED clears the lists, which would
        // believe anyone): only the configured proxies, or else loopback, are believed.
        builder.Services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>()
            .PostConfigure<Microsoft.Extensions.Options.IOptions<ForwardedHeadersSettings>>((options, settings) =>
            {
                options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
                options.KnownIPNetworks.Clear();
                options.KnownProxies.Clear();
                if (!settings.Value.IsConfigured)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
                    options.KnownProxies.Add(System.Net.IPAddress.IPv6Loopback);
                    return;
                }

                foreach (var proxy in settings.Value.KnownProxies)
                {
                    options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
                }

                foreach (var network in settings.Value.KnownNetworks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer<ApiDocumentTransformer>();
            options.AddOperationTransformer<AuthenticationOperationTransformer>();
        });
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapGet("/readyz", ReadyAsync)
            .WithTags("Operations")
            .WithName("Readiness")
            .WithSummary("Ready when the database answers and every migration is applied")
            .WithDescription("The body also lists the configuration problems this replica met (a Help Center host Chatwoot refuses, an unknown portal); they do not make it unready.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("SupportRelay API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }

    private static async Task<Results<Ok<ReadinessResponse>, ProblemHttpResult>> ReadyAsync(
        SqlDialect dialect, Migrator migrator, ReplicaIdentity replica, ConfigurationProblems problems, TimeProvider time, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dialect.OpenAsync(TimeSpan.FromSeconds(2), cancellationToken);
            if (!await migrator.IsUpToDateAsync(connection, cancellationToken))
            {
                return NotReady("The database schema is not up to date: migrations are pending.");
            }

            // A database that answers but cannot take a write (disk full, read-only) loses every webhook: not ready.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO health_probes (replica, probed_at) VALUES (@replica, @now)
                ON CONFLICT (replica) DO UPDATE SET probed_at = excluded.probed_at
                """,
                new { replica = replica.Id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
            return TypedResults.Ok(new ReadinessResponse("ready", dialect.Name,
                problems.Current.Select(p => new ReadinessProblem(p.Id, p.Scope, p.Detail, p.Since)).ToList()));
        }
        catch (DbException ex)
        {
            var logger = loggers.CreateLogger(typeof(OperationsEndpoints));
            LogDatabaseUnreachable(logger, dialect.Name, ex);
            return NotReady($"The {dialect.Name} database does not answer or does not take writes.");
        }
    }

    private static ProblemHttpResult NotReady(string detail) =>
        TypedResults.Problem(title: "Not ready", detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check: the {Database} database does not answer")]
    private static partial void LogDatabaseUnreachable(ILogger logger, string database, Exception exception);
}
