using Microsoft.Extensions.Options;
using Npgsql;

namespace SupportRelay.Storage;

public static class StorageExtensions
{
    public const string DefaultSqliteConnectionString = "Data Source=data/supportrelay.db";

    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SqlDialect>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var configuration = sp.GetRequiredService<IConfiguration>();
            if (options.Provider == "postgres")
            {
                var connectionString = configuration.GetConnectionString("Postgres");
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(DatabaseOptions.SectionName, typeof(DatabaseOptions),
                        ["Database:Provider is 'postgres' but ConnectionStrings:Postgres is empty."]);
                }

                return new PostgresDialect(NpgsqlDataSource.Create(connectionString));
            }

            return new SqliteDialect(configuration.GetConnectionString("Sqlite") ?? DefaultSqliteConnectionString);
        });
        services.AddSingleton<ReplicaIdentity>();
        services.AddSingleton<WorkQueue>();
        services.AddSingleton<Migrator>();
        services.AddHostedService<MigrationHostedService>();
        return services;
    }
}

/// <summary>Applies migrations before the other hosted services (the workers) start.</summary>
internal sealed class MigrationHostedService(Migrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
