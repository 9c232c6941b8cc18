using System.Data.Common;
using System.Reflection;
using Dapper;

namespace SupportRelay.Storage;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each once, each in its own
/// transaction. Safe when several replicas start at once: the dialect serialises them.
/// </summary>
public sealed partial class Migrator(SqlDialect dialect, TimeProvider time, ILogger<Migrator> logger)
{
    private const string ResourcePrefix = "SupportRelay.Storage.Migrations.";

    public static IReadOnlyList<(long Version, string Name, string Sql)> Scripts { get; } = LoadScripts();

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        // One transaction for the whole history: both dialects have transactional DDL, so a failed
        // script leaves nothing half-applied, and the lock makes replicas that start together wait.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await dialect.LockForMigrationAsync(connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            transaction: transaction, cancellationToken: cancellationToken));
        var done = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();

        var applied = new List<(long Version, string Name)>();
        foreach (var (version, name, sql) in Scripts.Where(s => !done.Contains(s.Version)))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                dialect.TranslateMigration(sql), transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                new { version, name, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction,
                cancellationToken: cancellationToken));
            applied.Add((version, name));
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var (version, name) in applied)
        {
            LogApplied(version, name);
        }

        return applied.Count;
    }

    /// <summary>True when every embedded migration is recorded as applied.</summary>
    public async Task<bool> IsUpToDateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var latest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
            return latest == Scripts[^1].Version;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private static List<(long, string, string)> LoadScripts()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var scripts = new List<(long, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var fileName = resource[ResourcePrefix.Length..];
            var name = Path.GetFileNameWithoutExtension(fileName);
            var version = long.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, name, reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return scripts;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} {Name}")]
    private partial void LogApplied(long version, string name);
}
