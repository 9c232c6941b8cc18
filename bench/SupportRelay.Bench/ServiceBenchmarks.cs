using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using SupportRelay.Chatwoot;
using SupportRelay.HelpCenter;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Bench;

/// <summary>
/// The service end to end on real sockets: webhook intake throughput and latency, time from webhook to
/// reply with an instant fake LLM, and memory. Everything runs on loopback; loops are bounded.
/// </summary>
internal static class ServiceBenchmarks
{
    private const long AccountId = 1;

    public static async Task RunIntakeAsync()
    {
        await using var fakes = await Fakes.StartAsync();
        foreach (var concurrency in new[] { 1, 16 })
        {
            await using var app = Start(fakes, new() { ["Workers:Enabled"] = "false" });
            Print("sqlite", 1, concurrency, await LoadAsync([app.BaseUrl], requests: 4000, concurrency, conversationSpread: 500));
        }

        var server = Environment.GetEnvironmentVariable("SUPPORTRELAY_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            Console.WriteLine("intake postgres: skipped (set SUPPORTRELAY_TEST_POSTGRES, e.g. export SUPPORTRELAY_TEST_POSTGRES=\"$(bash .ci/postgres.sh)\")");
            return;
        }

        foreach (var replicas in new[] { 1, 2 })
        {
            var postgres = new Dictionary<string, string?>
            {
                ["Workers:Enabled"] = "false",
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Postgres"] = CreatePostgresDatabase(server),
            };
            var apps = Enumerable.Range(0, replicas).Select(_ => Start(fakes, postgres)).ToList();
            try
            {
                Print("postgres", replicas, 16, await LoadAsync(apps.Select(a => a.BaseUrl).ToList(), requests: 4000, 16, conversationSpread: 500));
            }
            finally
            {
                foreach (var app in apps)
                {
                    await app.DisposeAsync();
                }
            }
        }

        Console.WriteLine("(replicas share this machine's 2 cores with each other, the database and the load generator)");
    }

    private static void Print(string store, int replicas, int concurrency, (double Rate, double P50, double P99) result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"intake {store,-8} replicas={replicas} concurrency={concurrency,-3} {result.Rate,8:F0} req/s  p50 {result.P50,6:F2} ms  p99 {result.P99,6:F2} ms"));

    private static string CreatePostgresDatabase(string server)
    {
        var name = $"sr_bench_{Guid.NewGuid():N}";
        using (var connection = new Npgsql.NpgsqlConnection(server))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    public static async Task RunEndToEndAsync()
    {
        await using var fakes = await Fakes.StartAsync();
        await using var app = Start(fakes, new()
        {
            ["Llm:Provider"] = "openai",
            ["Llm:BaseUrl"] = fakes.BaseUrl + "v1",
            ["Llm:Model"] = "instant",
        });
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        string[] questions = ["How do I scale my application?", "How can I add a custom domain to my app?", "How do I connect to my PostgreSQL database?", "How do I see my app logs?"];
        var latencies = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var conversation = 10_000 + i;
            var started = Stopwatch.GetTimestamp();
            await BenchApp.SendChatwootWebhookAsync(http, Message(i, conversation, questions[i % questions.Length]));
            var posted = await fakes.WaitForReplyAsync(conversation, TimeSpan.FromSeconds(10));
            if (posted)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"webhook→reply (instant LLM, {latencies.Count}/200 replied, one at a time; the first includes fetching and indexing 317 articles): p50 {BenchApp.Percentile(latencies, 0.5):F1} ms  p99 {BenchApp.Percentile(latencies, 0.99):F1} ms  max {latencies[^1]:F1} ms"));
    }

    public static async Task RunMemoryAsync()
    {
        await using var fakes = await Fakes.StartAsync();
        await using var app = Start(fakes, new());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        // One question so the Scalingo Help Center is fetched and indexed.
        await BenchApp.SendChatwootWebhookAsync(http, Message(1, 1, "How do I scale my application?"));
        await fakes.WaitForReplyAsync(1, TimeSpan.FromSeconds(10));
        await Task.Delay(500);
        Report("at rest (317 articles indexed)");

        var before = fakes.Replies;
        var started = Stopwatch.GetTimestamp();
        await LoadAsync([app.BaseUrl], requests: 3000, concurrency: 16, conversationSpread: 300, startId: 100_000);
        Report("after 3,000 webhooks (16 concurrent, bot answering)");
        var drained = await fakes.WaitForQuietAsync();
        var seconds = (drained - started) / (double)Stopwatch.Frequency;
        Report("after the bot drained its queue");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bot throughput (extractive answers, SQLite): {fakes.Replies - before} replies in {seconds:F1} s = {(fakes.Replies - before) / seconds:F0} replies/s"));
    }

    private static void Report(string label)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var managed = GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory {label}: managed heap {managed:F1} MiB, working set {process.WorkingSet64 / 1024.0 / 1024.0:F1} MiB (one process: service + bench client + fakes)"));
    }

    /// <summary>Sends <paramref name="requests"/> signed webhooks, round-robin over the replicas.</summary>
    private static async Task<(double Rate, double P50, double P99)> LoadAsync(IReadOnlyList<string> baseUrls, int requests, int concurrency, int conversationSpread, long startId = 1)
    {
        var clients = baseUrls.Select(u => new HttpClient { BaseAddress = new Uri(u) }).ToList();
        // Warm up the connection pools and the JIT.
        for (var i = 0; i < 50 * clients.Count; i++)
        {
            await BenchApp.SendChatwootWebhookAsync(clients[i % clients.Count], Message(startId + 900_000 + i, 1 + (i % conversationSpread), "warm up question about scaling"));
        }

        var latencies = new double[requests];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var body = Message(startId + i, 1 + (i % conversationSpread), $"How do I scale my application number {i}?");
                var started = Stopwatch.GetTimestamp();
                await BenchApp.SendChatwootWebhookAsync(clients[i % clients.Count], body);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        total.Stop();
        clients.ForEach(c => c.Dispose());
        Array.Sort(latencies);
        return (requests / total.Elapsed.TotalSeconds, BenchApp.Percentile(latencies, 0.5), BenchApp.Percentile(latencies, 0.99));
    }

    private static string Message(long id, long conversation, string content) => new JsonObject
    {
        ["event"] = "message_created",
        ["id"] = id,
        ["content"] = content,
        ["message_type"] = "incoming",
        ["private"] = false,
        ["sender"] = new JsonObject { ["id"] = 1, ["name"] = "Bench" },
        ["account"] = new JsonObject { ["id"] = AccountId },
        ["conversation"] = new JsonObject { ["id"] = conversation, ["status"] = "pending", ["inbox_id"] = 1 },
    }.ToJsonString();

    private static BenchApp Start(Fakes fakes, Dictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chatwoot:BaseUrl"] = fakes.BaseUrl,
            ["Chatwoot:AccountId"] = AccountId.ToString(CultureInfo.InvariantCulture),
            ["Chatwoot:BotAccessToken"] = "bench",
            ["Chatwoot:WebhookSecret"] = BenchApp.ChatwootSecret,
            ["Chatwoot:DefaultPortalSlug"] = "scalingo",
            ["Bot:MaxRepliesPerMinute"] = "100",
            ["Workers:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return new BenchApp(settings, BenchApp.NewSqliteFile());
    }

    /// <summary>Chatwoot (articles from the Scalingo corpus, message posts) and an instant OpenAI-compatible model.</summary>
    private sealed class Fakes : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _replies = new();
        private long _lastReplyTicks;
        private long _lastReplyStamp;

        private Fakes(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";

        public static async Task<Fakes> StartAsync()
        {
            var articles = ArticleFile.Load(CorpusPaths.ScalingoArticles)
                .Select((a, i) => new { id = i + 1, title = a.Title, content = a.Content, slug = a.Slug ?? a.Id, locale = "en" })
                .ToList();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var fakes = new Fakes(app);
            app.MapGet("/hc/{portal}/{locale}/articles.json", (int? page, int? per_page) =>
            {
                var size = per_page ?? 1000;
                var slice = articles.Skip(((page ?? 1) - 1) * size).Take(size);
                return Results.Json(new { payload = slice, meta = new { articles_count = articles.Count } });
            });
            app.MapPost("/api/v1/accounts/{account}/conversations/{id:long}/messages", (long id) =>
            {
                fakes._replies.AddOrUpdate(id, 1, (_, n) => n + 1);
                Interlocked.Exchange(ref fakes._lastReplyTicks, Environment.TickCount64);
                Interlocked.Exchange(ref fakes._lastReplyStamp, Stopwatch.GetTimestamp());
                return Results.Json(new { id = 1 });
            });
            app.MapPost("/api/v1/accounts/{account}/conversations/{id:long}/toggle_status", () => Results.Json(new { success = true }));
            app.MapPost("/v1/chat/completions", () => Results.Text(JsonSerializer.Serialize(new
            {
                id = "c",
                @object = "chat.completion",
                created = 1,
                model = "instant",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = """{"answered":true,"answer":"Scale it from the dashboard.","sources":[]}""" }, finish_reason = "stop" } },
            }), "application/json"));
            await app.StartAsync();
            fakes.BaseUrl = app.Urls.First().TrimEnd('/') + "/";
            return fakes;
        }

        public async Task<bool> WaitForReplyAsync(long conversation, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (!_replies.ContainsKey(conversation))
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return false;
                }

                await Task.Delay(1);
            }

            return true;
        }

        public long Replies => _replies.Values.Sum();

        /// <summary>
        /// Waits until no reply has been posted for two seconds (bounded at two minutes); returns the
        /// <see cref="Stopwatch"/> timestamp of the last reply.
        /// </summary>
        public async Task<long> WaitForQuietAsync()
        {
            var stop = Environment.TickCount64 + 120_000;
            while (Environment.TickCount64 - Interlocked.Read(ref _lastReplyTicks) < 2000 && Environment.TickCount64 < stop)
            {
                await Task.Delay(200);
            }

            return Interlocked.Read(ref _lastReplyStamp);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
