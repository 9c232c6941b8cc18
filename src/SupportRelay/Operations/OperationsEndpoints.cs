using System.Data.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Scalar.AspNetCore;
using SupportRelay.Storage;

namespace SupportRelay.Operations;

public sealed record ReadinessResponse(string Status, string Database);

/// <summary>What operators look at: readiness, the OpenAPI document and the API reference page.</summary>
public static partial class OperationsEndpoints
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
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
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("SupportRelay API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }

    private static async Task<Results<Ok<ReadinessResponse>, ProblemHttpResult>> ReadyAsync(
        SqlDialect dialect, Migrator migrator, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            if (await migrator.IsUpToDateAsync(connection, cancellationToken))
            {
                return TypedResults.Ok(new ReadinessResponse("ready", dialect.Name));
            }

            return NotReady("The database schema is not up to date: migrations are pending.");
        }
        catch (DbException ex)
        {
            var logger = loggers.CreateLogger(typeof(OperationsEndpoints));
            LogDatabaseUnreachable(logger, dialect.Name, ex);
            return NotReady($"The {dialect.Name} database does not answer.");
        }
    }

    private static ProblemHttpResult NotReady(string detail) =>
        TypedResults.Problem(title: "Not ready", detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check: the {Database} database does not answer")]
    private static partial void LogDatabaseUnreachable(ILogger logger, string database, Exception exception);
}
