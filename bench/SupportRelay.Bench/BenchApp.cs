using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using SupportRelay.Chatwoot;
using SupportRelay.Storage;

namespace SupportRelay.Bench;

/// <summary>
/// The service on a real Kestrel port with settings given in memory, for benchmarks that load it over
/// loopback. Any type of the service's assembly names its entry point (the bench has a Program of its own).
/// </summary>
internal sealed class BenchApp : WebApplicationFactory<Migrator>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _deleteDatabase;

    public BenchApp(Dictionary<string, string?> settings, string? sqliteFile = null, bool deleteDatabase = true)
    {
        _settings = settings;
        Database = sqliteFile;
        _deleteDatabase = deleteDatabase && sqliteFile is not null;
        if (sqliteFile is not null)
        {
            _settings["ConnectionStrings:Sqlite"] = $"Data Source={sqliteFile}";
        }

        // The service reads no files of its own; its content root is wherever the bench runs from.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_SUPPORTRELAY", AppContext.BaseDirectory);
        UseKestrel(0);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
    }

    public string BaseUrl { get; }

    /// <summary>The SQLite file, when the app runs on one.</summary>
    public string? Database { get; }

    /// <summary>The Chatwoot webhook secret every benchmark configures.</summary>
    public const string ChatwootSecret = "bench-secret";

    /// <summary>Posts <paramref name="body"/> to the Chatwoot webhook, signed as Chatwoot signs it; fails on any refusal.</summary>
    public static async Task SendChatwootWebhookAsync(HttpClient http, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks/chatwoot") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Chatwoot-Timestamp", ts.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Chatwoot-Signature", WebhookAuthenticator.Sign(ChatwootSecret, ts, bytes));
        request.Headers.Add("X-Chatwoot-Delivery", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"webhook answered {(int)response.StatusCode}");
        }
    }

    /// <summary>The <paramref name="p"/> quantile of an ascending list (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static string NewSqliteFile() => Path.Combine(Path.GetTempPath(), $"supportrelay-bench-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_deleteDatabase || Environment.GetEnvironmentVariable("SUPPORTRELAY_BENCH_KEEP_DB") is { Length: > 0 })
        {
            return;
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Database + suffix);
        }
    }
}
