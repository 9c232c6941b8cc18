using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// The whole service in memory, on a real SQLite file of its own, with settings given in memory.
/// Two factories given the same <see cref="DatabasePath"/> see the same data, which is how a test
/// restarts the service.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public AppFactory(IDictionary<string, string?>? settings = null, string? databasePath = null, TimeProvider? timeProvider = null,
        DatabaseKind database = DatabaseKind.Sqlite)
    {
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), "supportrelay-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        TimeProvider = timeProvider;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={DatabasePath}",
            ["Database:Provider"] = "sqlite",
            ["Logging:LogLevel:Default"] = "Warning",
            // BM25 alone unless a test says otherwise: the embedded model's tests choose it, the others stay fast and exact.
            ["Retrieval:Embeddings"] = "none",
            // Each message answered at once unless a test says otherwise: the quiet period's own tests move a fake clock.
            ["Bot:QuietPeriod"] = "00:00:00",
        };
        if (database == DatabaseKind.Postgres && settings?.ContainsKey("ConnectionStrings:Postgres") != true)
        {
            TestDatabase.RequireAvailable(database);
            _settings["Database:Provider"] = "postgres";
            _settings["ConnectionStrings:Postgres"] = TestDatabase.CreatePostgresDatabase();
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        // A test that names an embedding endpoint gets it, as an operator would.
        if (settings?.ContainsKey("Llm:EmbeddingModel") == true && settings?.ContainsKey("Retrieval:Embeddings") != true)
        {
            _settings.Remove("Retrieval:Embeddings");
        }
    }

    public DatabaseKind Database => string.Equals(_settings["Database:Provider"], "postgres", StringComparison.Ordinal) ? DatabaseKind.Postgres : DatabaseKind.Sqlite;

    public string DatabasePath { get; }

    public TimeProvider? TimeProvider { get; }

    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>What the service logged, at the levels the settings let through (Warning unless a test says otherwise).</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>A connection to this service's database, whichever dialect it runs on.</summary>
    public Task<System.Data.Common.DbConnection> OpenDatabaseAsync() =>
        Services.GetRequiredService<SupportRelay.Storage.SqlDialect>().OpenAsync(TestContext.Current.CancellationToken);

    /// <summary>Starts the host now (migrations run, workers start).</summary>
    public AppFactory Start()
    {
        _ = Server;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
        builder.ConfigureServices(services =>
        {
            if (TimeProvider is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(TimeProvider);
            }
        });
    }
}
