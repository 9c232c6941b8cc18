using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SupportRelay.Storage;

/// <summary>
/// Everything that differs between SQLite and PostgreSQL. Features write portable SQL and ask the
/// dialect only for the few pieces that differ, so dialect-specific text stays in this layer.
/// </summary>
public abstract class SqlDialect : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Appended to a claim's inner SELECT; rows locked by another replica are skipped.</summary>
    public abstract string SkipLockedSuffix { get; }

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(DefaultBusyTimeout, cancellationToken);

    /// <summary>Opens a connection whose wait for a locked database ends after <paramref name="busyTimeout"/>.</summary>
    public abstract Task<DbConnection> OpenAsync(TimeSpan busyTimeout, CancellationToken cancellationToken);

    /// <summary>How long a statement waits for another writer by default.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Replaces the migration placeholders with this dialect's types.</summary>
    public abstract string TranslateMigration(string sql);

    /// <summary>Serialises migrations across processes that start at the same time.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>True when the exception says a unique constraint rejected the row.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Closes pooled connections when the host stops.</summary>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

public sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = true,
        };
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource)
            && !builder.DataSource.StartsWith(':'))
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        _connectionString = builder.ToString();
    }

    public override string Name => "sqlite";

    // SQLite serialises writers itself; there is nothing to skip.
    public override string SkipLockedSuffix => "";

    public override async Task<DbConnection> OpenAsync(TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        // SQLite's own busy handler waits up to busy_timeout; Microsoft.Data.Sqlite then retries the step until its
        // command timeout, each retry waiting busy_timeout again. One second there means the wait ends after the
        // first busy_timeout (at least a second), so a locked database is waited for busy_timeout, not a multiple.
        var connection = new SqliteConnection(_connectionString) { DefaultTimeout = 1 };
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // SQLite's own busy handler waits in steps of a few milliseconds; without it Microsoft.Data.Sqlite
            // retries a locked database after 150 ms, which showed as the p99 of every webhook-driven action.
            // synchronous=FULL: with WAL, NORMAL may lose the last commits on power loss, and a webhook answered 200
            // must not be lost (Chatwoot does not redeliver it). FULL syncs the log at each commit.
            command.CommandText = $"PRAGMA busy_timeout={(int)busyTimeout.TotalMilliseconds}; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override string TranslateMigration(string sql) =>
        sql.Replace("{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) already holds the write lock.
    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19 };

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open (and its -wal/-shm files) until the pool is cleared.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        return base.DisposeAsync();
    }
}

public sealed class PostgresDialect(NpgsqlDataSource dataSource) : SqlDialect
{
    // An arbitrary constant shared by every replica: the key of the migration advisory lock.
    private const long MigrationLockKey = 0x5375_7070_5265_6C61;

    public override string Name => "postgres";

    public override string SkipLockedSuffix => " FOR UPDATE SKIP LOCKED";

    public override async Task<DbConnection> OpenAsync(TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        // PostgreSQL waits for row locks, not for the database: the caller's token bounds the wait.
        _ = busyTimeout;
        return await dataSource.OpenConnectionAsync(cancellationToken);
    }

    public override string TranslateMigration(string sql) =>
        sql.Replace("{{id}}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", StringComparison.Ordinal);

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLockKey})";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    // Without this, a stopped host's idle pooled connections stay open on the server until they time out.
    public override async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await base.DisposeAsync();
    }
}
