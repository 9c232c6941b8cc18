using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using SupportRelay.Chatwoot;
using SupportRelay.Notifications;
using SupportRelay.Storage;

namespace SupportRelay.Bench;

/// <summary>
/// The notification bridge end to end on real sockets with instant fakes (Chatwoot and the Telegram Bot
/// API on loopback): status webhook → Telegram sendMessage, Telegram reply → Chatwoot message, and
/// notifications per second through the outbox.
/// </summary>
internal static class NotificationBenchmarks
{
    private const string TelegramSecret = "bench-telegram-secret";
    private const string Token = "123456:BENCH";
    private const long AccountId = 1;
    private const long Chat = 4242;
    private const string Provider = "aa11bb22cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900";

    public static async Task RunLatencyAsync()
    {
        await using var fakes = await Fakes.StartAsync();
        await using var app = await StartAsync(fakes);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        // Warm-up: JIT, connection pools, the first SQLite pages.
        for (var i = 0; i < 20; i++)
        {
            await SendStatusAsync(http, 900_000 + i);
            await fakes.WaitForNotificationAsync(900_000 + i);
        }

        const int Count = 200;
        var notify = new List<double>();
        var messages = new Dictionary<long, int>();
        for (var i = 0; i < Count; i++)
        {
            var conversation = 10_000 + i;
            var started = Stopwatch.GetTimestamp();
            await SendStatusAsync(http, conversation);
            messages[conversation] = await fakes.WaitForNotificationAsync(conversation);
            notify.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // Let the links commit before replying to the notifications.
        await Task.Delay(200);
        var reply = new List<double>();
        for (var i = 0; i < Count; i++)
        {
            var conversation = 10_000 + i;
            var started = Stopwatch.GetTimestamp();
            await SendReplyAsync(http, i + 1, messages[conversation], $"On it ({i})");
            await fakes.WaitForChatwootPostAsync(conversation);
            reply.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Print("status webhook → Telegram sendMessage", notify);
        Print("Telegram reply → Chatwoot message     ", reply);
    }

    public static async Task RunThroughputAsync()
    {
        await using var fakes = await Fakes.StartAsync();
        await using var app = await StartAsync(fakes, new() { ["Workers:Enabled"] = "false" });
        const int Count = 2000;
        var queue = app.Services.GetRequiredService<WorkQueue>();
        var dialect = app.Services.GetRequiredService<SqlDialect>();
        await using (var connection = await dialect.OpenAsync(CancellationToken.None))
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            for (var i = 0; i < Count; i++)
            {
                var job = new HandoffNotificationJob($"bench:{i}", AccountId, 50_000 + i, Provider, null, "customer_request", 0);
                await queue.EnqueueAsync(new OutboxMessage(HandoffNotificationJob.Kind, $"bench:{i}", $"notify:{AccountId}:{50_000 + i}", job.ToJson()),
                    connection, transaction, CancellationToken.None);
            }

            await transaction.CommitAsync();
        }

        // A second service on the same database, with workers, drains the queue.
        await using var worker = await StartAsync(fakes, new() { ["Workers:Enabled"] = "true" }, app.Database);
        var started = Stopwatch.StartNew();
        while (fakes.Notifications < Count && started.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(5);
        }

        started.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"outbox → Telegram: {fakes.Notifications}/{Count} notifications in {started.Elapsed.TotalSeconds:F2} s = {fakes.Notifications / started.Elapsed.TotalSeconds:F0} notifications/s (one worker, SQLite, instant fake)"));
    }

    private static void Print(string label, List<double> latencies)
    {
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label} ({latencies.Count} sequential, instant fakes): p50 {BenchApp.Percentile(latencies, 0.5):F1} ms  p99 {BenchApp.Percentile(latencies, 0.99):F1} ms  max {latencies[^1]:F1} ms"));
    }

    private static async Task SendStatusAsync(HttpClient http, long conversation)
    {
        var body = new JsonObject
        {
            ["event"] = "conversation_status_changed",
            ["id"] = conversation,
            ["status"] = "open",
            ["account"] = new JsonObject { ["id"] = AccountId },
            ["changed_attributes"] = new JsonArray(new JsonObject { ["status"] = new JsonObject { ["previous_value"] = "pending", ["current_value"] = "open" } }),
        }.ToJsonString();
        await BenchApp.SendChatwootWebhookAsync(http, body);
    }

    private static async Task SendReplyAsync(HttpClient http, long updateId, int replyTo, string text)
    {
        var body = new JsonObject
        {
            ["update_id"] = updateId,
            ["message"] = new JsonObject
            {
                ["message_id"] = 100_000 + updateId,
                ["date"] = 1_764_000_000,
                ["chat"] = new JsonObject { ["id"] = Chat, ["type"] = "private" },
                ["text"] = text,
                ["reply_to_message"] = new JsonObject { ["message_id"] = replyTo, ["date"] = 1_764_000_000, ["chat"] = new JsonObject { ["id"] = Chat, ["type"] = "private" } },
            },
        }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/webhooks/telegram") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", TelegramSecret);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<BenchApp> StartAsync(Fakes fakes, Dictionary<string, string?>? overrides = null, string? database = null)
    {
        var owner = database is null;
        database ??= BenchApp.NewSqliteFile();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={database}",
            ["Chatwoot:BaseUrl"] = fakes.BaseUrl,
            ["Chatwoot:AccountId"] = "1",
            ["Chatwoot:BotAccessToken"] = "bench",
            ["Chatwoot:WebhookSecret"] = BenchApp.ChatwootSecret,
            ["Bot:DefaultProviderPubkey"] = Provider,
            ["Telegram:BotToken"] = Token,
            ["Telegram:ApiBaseUrl"] = fakes.BaseUrl,
            ["Telegram:WebhookSecret"] = TelegramSecret,
            ["Workers:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
            // The benchmark measures the path of each notification, not the hourly digest that caps them.
            ["Notifications:MaxHandoffsPerProviderPerHour"] = "1000000",
        };
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        var app = new BenchApp(settings, database, deleteDatabase: owner);
        await using var connection = await app.Services.GetRequiredService<SqlDialect>().OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            """
            INSERT INTO providers (pubkey, created_at, enrolled_at, enrolled_by) VALUES (@Provider, 0, 0, 'admin') ON CONFLICT (pubkey) DO NOTHING;
            INSERT INTO notification_configs (provider_pubkey, notify_via, telegram_chat_id, updated_at) VALUES (@Provider, 'telegram', @Chat, 0)
            ON CONFLICT (provider_pubkey) DO NOTHING;
            INSERT INTO provider_destinations (provider_pubkey, channel, address, created_at, verified_at) VALUES (@Provider, 'telegram', @ChatText, 0, 0)
            ON CONFLICT (provider_pubkey, channel, address) DO NOTHING;
            """, new { Provider, Chat, ChatText = Chat.ToString(CultureInfo.InvariantCulture) });
        return app;
    }

    /// <summary>Instant Chatwoot and Telegram Bot API on one loopback server.</summary>
    private sealed class Fakes : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<long, TaskCompletionSource<int>> _notified = new();
        private readonly ConcurrentDictionary<long, TaskCompletionSource> _posted = new();
        private int _messageId;
        private int _notifications;

        private Fakes(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";

        public int Notifications => Volatile.Read(ref _notifications);

        public static async Task<Fakes> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var fakes = new Fakes(app);
            app.MapPost("/api/v1/accounts/{account}/conversations/{id:long}/messages", (long id) =>
            {
                fakes._posted.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                return Results.Json(new { id = 1 });
            });
            app.MapPost("/bot{token}/sendMessage", async (HttpRequest request) =>
            {
                using var document = await JsonDocument.ParseAsync(request.Body);
                var text = document.RootElement.GetProperty("text").GetString() ?? "";
                var id = Interlocked.Increment(ref fakes._messageId);
                var marker = text.IndexOf("Conversation #", StringComparison.Ordinal);
                if (marker >= 0 && document.RootElement.TryGetProperty("reply_markup", out _))
                {
                    Interlocked.Increment(ref fakes._notifications);
                    var digits = new string(text[(marker + 14)..].TakeWhile(char.IsAsciiDigit).ToArray());
                    fakes._notified.GetOrAdd(long.Parse(digits, CultureInfo.InvariantCulture), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(id);
                }

                return Results.Json(new { ok = true, result = new { message_id = id, date = 1_764_000_000, chat = new { id = Chat, type = "private" }, text = "x" } });
            });
            await app.StartAsync();
            fakes.BaseUrl = app.Urls.First().TrimEnd('/') + "/";
            return fakes;
        }

        public Task<int> WaitForNotificationAsync(long conversation) =>
            _notified.GetOrAdd(conversation, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(10));

        public Task WaitForChatwootPostAsync(long conversation) =>
            _posted.GetOrAdd(conversation, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(10));

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
