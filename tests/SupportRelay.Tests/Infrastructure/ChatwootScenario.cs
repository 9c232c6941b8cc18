using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Chatwoot;
using SupportRelay.Storage;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// The service wired to a fake Chatwoot (and optionally a fake LLM) on loopback, with helpers to send
/// signed webhooks the way Chatwoot does and to look into the service's database.
/// </summary>
public sealed class ChatwootScenario : IAsyncDisposable
{
    public const string Secret = "test-webhook-secret";
    public const string BotToken = "bot-token-123";
    public const long AccountId = 7;
    public const string Portal = "help";

    private long _nextMessageId = 1000;

    private ChatwootScenario(FakeHttpServer chatwoot, FakeHelpCenter helpCenter, FakeHttpServer? llm, AppFactory app)
    {
        Chatwoot = chatwoot;
        HelpCenter = helpCenter;
        Llm = llm;
        App = app;
        Client = app.CreateClient();
    }

    public FakeHttpServer Chatwoot { get; }

    /// <summary>The fake Chatwoot's Help Center, which answers only on the host of its FRONTEND_URL (the configured public host).</summary>
    public FakeHelpCenter HelpCenter { get; }

    public FakeHttpServer? Llm { get; }

    public AppFactory App { get; private set; }

    public HttpClient Client { get; private set; }

    public static readonly IReadOnlyList<object> DefaultArticles =
    [
        new { id = 1, title = "Restart a virtual machine", slug = "restart-vm", description = "Reboot a VM that does not answer",
              content = "## Restarting\n\nIf your virtual machine does not boot or does not answer, open the **console** and click *Restart*. A restart takes about a minute.\n\nYou can also run `vm restart <name>` from the CLI." },
        new { id = 2, title = "Configure a custom domain", slug = "custom-domain", description = "Point your domain name to your app",
              content = "To use your own domain name, add a CNAME record pointing to your app's address, then add the domain in the dashboard under Domains. TLS certificates are issued automatically." },
        new { id = 3, title = "Billing and invoices", slug = "billing", description = "Where to find invoices",
              content = "Invoices are sent by email every month. You can download them from the Billing page of the dashboard. Payment is by card or SEPA transfer." },
        new { id = 4, title = "Database backups", slug = "backups", description = "Automatic PostgreSQL backups",
              content = "PostgreSQL databases are backed up every night and kept for 7 days. To restore a backup, open the database dashboard, choose Backups and click Restore." },
    ];

    /// <summary>Starts the fakes and the service. <paramref name="settings"/> override the defaults.</summary>
    public static async Task<ChatwootScenario> StartAsync(IDictionary<string, string?>? settings = null, bool withLlm = false,
        IReadOnlyList<object>? articles = null, DatabaseKind database = DatabaseKind.Sqlite, TimeProvider? time = null)
    {
        // Skip before starting anything that would then be left running.
        TestDatabase.RequireAvailable(database);
        var chatwoot = await FakeHttpServer.StartAsync();
        var llm = withLlm ? await FakeHttpServer.StartAsync() : null;
        chatwoot.On("POST", $"/api/v1/accounts/{AccountId}/conversations/*/messages", r => FakeResponse.Json(new
        {
            id = Random.Shared.Next(1, 1_000_000),
            // A message with attachments comes as a multipart form.
            content = r.Header("content-type")?.StartsWith("multipart/", StringComparison.Ordinal) == true ? null : r.Json.GetProperty("content").GetString(),
        }));
        chatwoot.On("POST", $"/api/v1/accounts/{AccountId}/conversations/*/toggle_status", FakeResponse.Json(new { meta = new { }, payload = new { success = true } }));

        var all = BaseSettings(chatwoot, llm);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        // Chatwoot's FRONTEND_URL is the public address the operator configured: the Help Center answers on its host only.
        var publicUrl = new Uri(all.GetValueOrDefault("Chatwoot:HelpCenterUrl") ?? all.GetValueOrDefault("Chatwoot:PublicUrl") ?? all["Chatwoot:BaseUrl"]!);
        var helpCenter = new FakeHelpCenter(chatwoot, publicUrl.Host);
        helpCenter.Serve(Portal, "en", articles ?? DefaultArticles);
        var app = new AppFactory(all, timeProvider: time, database: database);
        return new ChatwootScenario(chatwoot, helpCenter, llm, app);
    }

    public static Dictionary<string, string?> BaseSettings(FakeHttpServer chatwoot, FakeHttpServer? llm)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chatwoot:BaseUrl"] = chatwoot.BaseUrl.ToString(),
            ["Chatwoot:AccountId"] = AccountId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chatwoot:BotAccessToken"] = BotToken,
            ["Chatwoot:WebhookSecret"] = Secret,
            ["Chatwoot:DefaultPortalSlug"] = Portal,
            ["Chatwoot:RequestTimeout"] = "00:00:02",
            ["Chatwoot:UnknownOutcomeDelay"] = "00:00:01",
            ["Workers:PollInterval"] = "00:00:00.100",
            ["Workers:InitialBackoff"] = "00:00:00.200",
            ["Workers:MaxBackoff"] = "00:00:01",
        };
        if (llm is not null)
        {
            settings["Llm:Provider"] = "openai";
            settings["Llm:BaseUrl"] = new Uri(llm.BaseUrl, "v1").ToString();
            settings["Llm:ApiKey"] = "sk-test";
            settings["Llm:Model"] = "test-model";
            settings["Llm:Timeout"] = "00:00:02";
        }

        return settings;
    }

    /// <summary>Publishes <paramref name="articles"/> in the fake Help Center's <paramref name="portal"/>, in <paramref name="locale"/>.</summary>
    public void ServeArticles(string portal, string locale, IReadOnlyList<object> articles) => HelpCenter.Serve(portal, locale, articles);

    /// <summary>
    /// Lists a conversation's messages as Chatwoot's account API does (<c>{"meta", "payload"}</c>, oldest first),
    /// from the posts the fake received: a post that was answered 500 or timed out was created all the same.
    /// Only with a user token, as Chatwoot allows.
    /// </summary>
    public void ServeMessageList(string userToken)
    {
        Chatwoot.On("GET", $"/api/v1/accounts/{AccountId}/conversations/*/messages", r =>
        {
            if (r.Header("api_access_token") != userToken)
            {
                return new FakeResponse(401, """{"error":"You are not authorized to do this action"}""");
            }

            var conversation = r.Path.Split('/')[6];
            var posted = Posted(long.Parse(conversation, System.Globalization.CultureInfo.InvariantCulture))
                .Where(p => p.Header("content-type")?.StartsWith("application/json", StringComparison.Ordinal) == true)
                .Select((p, i) => new
                {
                    id = 5000 + i,
                    content = p.Json.GetProperty("content").GetString(),
                    message_type = 1,
                    content_type = "text",
                    created_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    @private = p.Json.GetProperty("private").GetBoolean(),
                    attachments = Array.Empty<object>(),
                });
            return FakeResponse.Json(new { meta = new { }, payload = posted });
        });
    }

    /// <summary>Answers the LLM's chat completions with <paramref name="content"/> (the model's text).</summary>
    public void LlmAnswers(string content, TimeSpan delay = default, int status = 200) =>
        Llm!.On("POST", "/v1/chat/completions", _ => new FakeResponse(status, status == 200
            ? JsonSerializer.Serialize(Completion(content))
            : """{"error":{"message":"boom","type":"server_error"}}""", Delay: delay));

    /// <summary>An OpenAI chat completion whose message is <paramref name="content"/>.</summary>
    public static object Completion(string content) => new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
    };

    /// <summary>A <c>message_created</c> body as Chatwoot sends it to an agent bot.</summary>
    public JsonObject Message(string content, long conversationId = 42, string messageType = "incoming", string status = "pending",
        bool isPrivate = false, long? messageId = null, JsonObject? customAttributes = null, string? locale = null, string? senderType = null)
    {
        var id = messageId ?? Interlocked.Increment(ref _nextMessageId);
        var sender = new JsonObject { ["id"] = 5, ["name"] = "Ada" };
        if (senderType is not null)
        {
            sender["type"] = senderType;
        }

        return new JsonObject
        {
            ["event"] = "message_created",
            ["id"] = id,
            ["content"] = content,
            ["content_type"] = "text",
            ["created_at"] = "2026-11-25T10:00:00.000Z",
            ["message_type"] = messageType,
            ["private"] = isPrivate,
            ["sender"] = sender,
            ["account"] = new JsonObject { ["id"] = AccountId, ["name"] = "Acme" },
            ["inbox"] = new JsonObject { ["id"] = 3, ["name"] = "Website" },
            ["conversation"] = new JsonObject
            {
                ["id"] = conversationId,
                ["inbox_id"] = 3,
                ["status"] = status,
                ["custom_attributes"] = customAttributes ?? new JsonObject(),
                ["additional_attributes"] = locale is null ? new JsonObject() : new JsonObject { ["browser_language"] = locale },
                ["messages"] = new JsonArray(new JsonObject { ["id"] = id, ["content"] = content, ["message_type"] = messageType == "incoming" ? 0 : 1 }),
            },
        };
    }

    /// <summary>Posts a body signed as Chatwoot signs it.</summary>
    public Task<HttpResponseMessage> SendAsync(JsonNode body, string? deliveryId = null, string secret = Secret, long? timestamp = null, HttpClient? client = null)
        => SendRawAsync(body.ToJsonString(), deliveryId ?? Guid.NewGuid().ToString(), secret, timestamp, client: client);

    public Task<HttpResponseMessage> SendRawAsync(string body, string? deliveryId, string? secret = Secret, long? timestamp = null,
        string path = "/api/v1/webhooks/chatwoot", HttpClient? client = null) =>
        SendBytesAsync(Encoding.UTF8.GetBytes(body), deliveryId, secret, timestamp, path, client);

    /// <summary>Posts exactly <paramref name="bytes"/>, signed (when <paramref name="secret"/> is given) over those bytes as Chatwoot signs.</summary>
    public async Task<HttpResponseMessage> SendBytesAsync(byte[] bytes, string? deliveryId, string? secret = Secret, long? timestamp = null,
        string path = "/api/v1/webhooks/chatwoot", HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add("X-Chatwoot-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Chatwoot-Signature", WebhookAuthenticator.Sign(secret, ts, bytes));
        }

        if (deliveryId is not null)
        {
            request.Headers.Add("X-Chatwoot-Delivery", deliveryId);
        }

        return await (client ?? Client).SendAsync(request);
    }

    /// <summary>Messages the service posted to a conversation, in order.</summary>
    public IReadOnlyList<RecordedRequest> Posted(long conversationId = 42) =>
        Chatwoot.Received("POST", $"/conversations/{conversationId}/messages");

    public IReadOnlyList<RecordedRequest> Toggled(long conversationId = 42) =>
        Chatwoot.Received("POST", $"/conversations/{conversationId}/toggle_status");

    public async Task<IReadOnlyList<RecordedRequest>> WaitForPostsAsync(int count, long conversationId = 42)
    {
        await Chatwoot.WaitForAsync("POST", $"/conversations/{conversationId}/messages", count);
        return Posted(conversationId);
    }

    /// <summary>Waits until the inbox and outbox hold no pending work.</summary>
    public Task WaitIdleAsync(TimeSpan? timeout = null) => WaitUntilAsync(
        "SELECT (SELECT COUNT(*) FROM webhook_inbox WHERE state = 'pending') + (SELECT COUNT(*) FROM outbox WHERE state = 'pending')",
        0, timeout);

    /// <summary>Waits until the count <paramref name="sql"/> selects is <paramref name="expected"/>, or fails after the timeout.</summary>
    public async Task WaitUntilAsync(string sql, long expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        long actual;
        do
        {
            actual = (await QueryAsync<long>(sql)).Single();
            if (actual == expected)
            {
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Still {actual}, not {expected}: {sql}");
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await App.Services.GetRequiredService<SqlDialect>().OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    /// <summary>Stops the service and starts it again on the same database (a restart).</summary>
    public async Task RestartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(App.Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Client.Dispose();
        await App.DisposeAsync();
        App = new AppFactory(all, App.DatabasePath, App.TimeProvider);
        Client = App.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Chatwoot.DisposeAsync();
        if (Llm is not null)
        {
            await Llm.DisposeAsync();
        }
    }
}
