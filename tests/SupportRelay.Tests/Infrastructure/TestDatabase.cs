using Npgsql;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>The two storage dialects every storage test runs on.</summary>
public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where PostgreSQL tests find their server: <c>SUPPORTRELAY_TEST_POSTGRES</c>, a connection string to a
/// server where databases may be created (<c>bash .ci/postgres.sh</c> starts one and prints it). Without
/// it a developer's run skips the PostgreSQL tests with a notice; CI (<c>CI=true</c>) fails them instead.
/// </summary>
public static class TestDatabase
{
    public const string ServerVariable = "SUPPORTRELAY_TEST_POSTGRES";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value ? value : null;

    public static TheoryData<DatabaseKind> Kinds => [DatabaseKind.Sqlite, DatabaseKind.Postgres];

    /// <summary>The databases this run created, dropped when the run ends (<see cref="PostgresCleanup"/>).</summary>
    internal static System.Collections.Concurrent.ConcurrentBag<string> Created { get; } = [];

    public static void RequireAvailable(DatabaseKind kind)
    {
        if (kind != DatabaseKind.Postgres || PostgresServer is not null)
        {
            return;
        }

        const string Message = $"PostgreSQL tests need {ServerVariable} (run: export {ServerVariable}=\"$(bash .ci/postgres.sh)\").";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Message + " CI may not skip them.");
        }

        Assert.Skip(Message);
    }

    /// <summary>A new, empty database on the test server; returns its connection string.</summary>
    public static string CreatePostgresDatabase()
    {
        var server = PostgresServer ?? throw new InvalidOperationException($"{ServerVariable} is not set.");
        var name = $"sr_test_{Guid.NewGuid():N}";
        Created.Add(name);
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 20 }.ToString();
    }
}

/// <summary>
/// Drops the databases the test run created once every test has finished (a restart test reuses its
/// database across hosts, so they cannot go with the first host). A run creates a few hundred.
/// </summary>
public sealed class PostgresCleanup : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        // CI throws its whole cluster away after the run; dropping would only cost time there.
        if (TestDatabase.PostgresServer is not { } server || TestDatabase.Created.IsEmpty
            || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        foreach (var name in TestDatabase.Created)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Best effort: a leftover database costs disk, not correctness.
            }
        }
    }
}
