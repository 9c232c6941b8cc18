using System.Net;
using Dapper;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Operations;

/// <summary><c>/readyz</c> for the load balancer, on each database.</summary>
public abstract class ReadinessTests(DatabaseKind database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readyz_is_200_when_the_database_is_migrated_and_503_when_it_is_not()
    {
        await using var app = new AppFactory(database: database);
        var client = app.CreateClient();

        var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        await using (var connection = await app.OpenDatabaseAsync())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)", cancellationToken: Ct));
        }

        var notReady = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("application/problem+json", notReady.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Readyz_is_503_when_the_database_answers_but_refuses_writes()
    {
        await using var app = new AppFactory(database: database);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct)).StatusCode);

        // A full disk or a read-only file: reads work, every write fails.
        await using (var connection = await app.OpenDatabaseAsync())
        {
            await connection.ExecuteAsync(new CommandDefinition(database == DatabaseKind.Sqlite
                ? """
                  CREATE TRIGGER full_disk_insert BEFORE INSERT ON health_probes BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;
                  CREATE TRIGGER full_disk_update BEFORE UPDATE ON health_probes BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END;
                  """
                : """
                  CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$;
                  CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON health_probes FOR EACH ROW EXECUTE FUNCTION full_disk();
                  """, cancellationToken: Ct));
        }

        var full = await client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.Contains("does not take writes", await full.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlite_syncs_every_commit_so_an_acknowledged_webhook_survives_power_loss()
    {
        Assert.SkipWhen(database != DatabaseKind.Sqlite, "PostgreSQL's durability is the server's fsync setting.");
        await using var app = new AppFactory(database: database);
        await using var connection = await app.OpenDatabaseAsync();

        // 2 is FULL: with WAL, NORMAL may lose the last commits when the power goes.
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA synchronous", cancellationToken: Ct)));
    }

    [Fact]
    public async Task Two_replicas_starting_together_apply_each_migration_once()
    {
        await using var first = new AppFactory(database: database);
        var settings = new Dictionary<string, string?>(first.Settings);
        var replicas = Enumerable.Range(0, 3).Select(_ => new AppFactory(settings, first.DatabasePath)).Prepend(first).ToList();
        try
        {
            // Start them at once: the migrations run under the dialect's lock.
            await Task.WhenAll(replicas.Select(r => Task.Run(() => r.Start())));

            foreach (var replica in replicas)
            {
                var ready = await replica.CreateClient().GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            await using var connection = await first.OpenDatabaseAsync();
            var versions = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: Ct))).ToList();
            Assert.Equal(versions.Distinct().Count(), versions.Count);
            Assert.Equal(SupportRelay.Storage.Migrator.Scripts.Count, versions.Count);
        }
        finally
        {
            foreach (var replica in replicas.Skip(1))
            {
                await replica.DisposeAsync();
            }
        }
    }
}

public sealed class ReadinessTestsOnSqlite() : ReadinessTests(DatabaseKind.Sqlite);

public sealed class ReadinessTestsOnPostgres() : ReadinessTests(DatabaseKind.Postgres);
