using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// <see cref="ChatwootScenario"/> plus a fake Telegram Bot API, a fake Twilio and a real SMTP receiver,
/// with a provider whose notification config the test chooses.
/// </summary>
public sealed class NotificationScenario : IAsyncDisposable
{
    public const string TelegramToken = "123456:TEST-telegram-token";
    public const string TelegramSecret = "telegram-secret_123";
    public const string TwilioSid = "AC0123456789abcdef0123456789abcdef";
    public const string TwilioToken = "twilio-auth-token";
    public const string TwilioFrom = "+15550001111";
    public const string Provider = "aa11bb22cc33dd44ee55ff6677889900aa11bb22cc33dd44ee55ff6677889900";
    public const long ProviderChat = 424242;

    private int _nextTelegramMessageId = 500;
    private long _nextUpdateId = 9000;

    private NotificationScenario(ChatwootScenario chatwoot, FakeHttpServer telegram, FakeHttpServer twilio, SmtpReceiver smtp)
    {
        Chatwoot = chatwoot;
        Telegram = telegram;
        Twilio = twilio;
        Smtp = smtp;
    }

    public ChatwootScenario Chatwoot { get; }

    public FakeHttpServer Telegram { get; }

    public FakeHttpServer Twilio { get; }

    public SmtpReceiver Smtp { get; }

    public HttpClient Client => Chatwoot.Client;

    public static string TelegramPath(string method) => $"/bot{TelegramToken}/{method}";

    public static async Task<NotificationScenario> StartAsync(DatabaseKind database, IDictionary<string, string?>? settings = null, bool withLlm = false)
    {
        // Skip before starting anything that would then be left running.
        TestDatabase.RequireAvailable(database);
        var telegram = await FakeHttpServer.StartAsync();
        var twilio = await FakeHttpServer.StartAsync();
        var smtp = new SmtpReceiver();
        var all = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = TelegramToken,
            ["Telegram:BotUsername"] = "SupportRelayTestBot",
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl.ToString(),
            ["Telegram:WebhookSecret"] = TelegramSecret,
            ["Telegram:RequestTimeout"] = "00:00:03",
            ["Twilio:AccountSid"] = TwilioSid,
            ["Twilio:AuthToken"] = TwilioToken,
            ["Twilio:From"] = TwilioFrom,
            ["Twilio:ApiBaseUrl"] = twilio.BaseUrl.ToString(),
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:From"] = "SupportRelay <relay@example.com>",
            ["Smtp:UseTls"] = "false",
            ["Smtp:Timeout"] = "00:00:05",
            ["Bot:DefaultProviderPubkey"] = Provider,
            // The widget inbox the bot serves (the fixtures' inbox 3): its conversations are announced even before the bot saw them.
            ["Bot:InboxIds:0"] = "3",
            ["Chatwoot:PublicUrl"] = "https://chat.example.com",
            // Only the cap's own tests meet it.
            ["Notifications:MaxHandoffsPerProviderPerHour"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            // A null takes a default away (Bot:InboxIds:0, to let the bot learn its inboxes).
            if (value is null)
            {
                all.Remove(key);
            }
            else
            {
                all[key] = value;
            }
        }

        var chatwoot = await ChatwootScenario.StartAsync(all, withLlm, database: database);
        var scenario = new NotificationScenario(chatwoot, telegram, twilio, smtp);
        scenario.TelegramAnswersOk();
        twilio.On("POST", $"/2010-04-01/Accounts/{TwilioSid}/Messages.json", FakeResponse.Json(new { sid = "SM123", status = "queued" }, 201));
        return scenario;
    }

    /// <summary>Every Bot API method answers ok; sendMessage returns a fresh message id.</summary>
    public void TelegramAnswersOk()
    {
        Telegram.On("POST", "/bot*/sendMessage", r =>
        {
            var id = Interlocked.Increment(ref _nextTelegramMessageId);
            var chat = r.Json.GetProperty("chat_id").GetRawText().Trim('"');
            return FakeResponse.Json(new
            {
                ok = true,
                result = new { message_id = id, date = 1_764_000_000, chat = new { id = long.Parse(chat, CultureInfo.InvariantCulture), type = "private" }, text = "x" },
            });
        });
        foreach (var method in new[] { "answerCallbackQuery", "editMessageReplyMarkup", "setWebhook", "deleteWebhook" })
        {
            Telegram.On("POST", "/bot*/" + method, FakeResponse.Json(new { ok = true, result = true }));
        }
    }

    /// <summary>
    /// Writes the provider's notification config straight into the database, the provider enrolled and (unless
    /// <paramref name="proven"/> is false) every destination proven, as codes and chat confirmations would.
    /// </summary>
    public async Task ConfigureProviderAsync(string via, long? chatId = ProviderChat, string? phone = null, string? email = null, string provider = Provider,
        bool proven = true)
    {
        await Chatwoot.QueryAsync<long>(
            """
            INSERT INTO providers (pubkey, created_at, enrolled_at, enrolled_by) VALUES (@provider, 0, 0, 'admin') ON CONFLICT (pubkey) DO NOTHING;
            INSERT INTO notification_configs (provider_pubkey, notify_via, telegram_chat_id, notify_phone, notify_email, updated_at)
            VALUES (@provider, @via, @chatId, @phone, @email, 0)
            ON CONFLICT (provider_pubkey) DO UPDATE SET notify_via = excluded.notify_via, telegram_chat_id = excluded.telegram_chat_id,
                notify_phone = excluded.notify_phone, notify_email = excluded.notify_email;
            SELECT 1
            """,
            new { provider, via, chatId, phone, email });
        if (!proven)
        {
            return;
        }

        foreach (var (channel, address) in new[] { ("telegram", chatId?.ToString(CultureInfo.InvariantCulture)), ("sms", phone), ("email", email) })
        {
            if (address is not null)
            {
                await Chatwoot.QueryAsync<long>(
                    """
                    INSERT INTO provider_destinations (provider_pubkey, channel, address, created_at, verified_at) VALUES (@provider, @channel, @address, 0, 0)
                    ON CONFLICT (provider_pubkey, channel, address) DO UPDATE SET verified_at = 0;
                    SELECT 1
                    """,
                    new { provider, channel, address });
            }
        }
    }

    /// <summary>The operator maps a contract to the provider (as the admin API does).</summary>
    public Task MapContractAsync(string contractId, string provider = Provider) =>
        Chatwoot.QueryAsync<long>(
            """
            INSERT INTO contracts (contract_id, provider_pubkey, updated_at) VALUES (@contractId, @provider, 0)
            ON CONFLICT (contract_id) DO UPDATE SET provider_pubkey = excluded.provider_pubkey;
            INSERT INTO providers (pubkey, created_at, enrolled_at, enrolled_by) VALUES (@provider, 0, 0, 'contract') ON CONFLICT (pubkey) DO NOTHING;
            SELECT 1
            """,
            new { contractId, provider });

    /// <summary>A conversation event as an account webhook sends it (in inbox 3 unless said otherwise).</summary>
    public static JsonObject StatusChange(long conversationId, string current, string previous, string eventType = "conversation_status_changed",
        JsonObject? customAttributes = null, long inboxId = 3) => new()
    {
        ["event"] = eventType,
        ["id"] = conversationId,
        ["inbox_id"] = inboxId,
        ["status"] = current,
        ["account"] = new JsonObject { ["id"] = ChatwootScenario.AccountId },
        ["custom_attributes"] = customAttributes ?? new JsonObject(),
        ["changed_attributes"] = new JsonArray(new JsonObject { ["status"] = new JsonObject { ["previous_value"] = previous, ["current_value"] = current } }),
    };

    /// <summary>Records customer messages for the summary, as the agent bot's webhooks would (in a resolved conversation, so the bot stays quiet).</summary>
    public async Task CustomerSaysAsync(long conversationId, params string[] messages)
    {
        foreach (var message in messages)
        {
            await Chatwoot.SendAsync(Chatwoot.Message(message, conversationId, status: "open"));
        }

        await Chatwoot.WaitIdleAsync();
    }

    public IReadOnlyList<RecordedRequest> Sent(long? chatId = null) =>
        Telegram.Received("POST", "/sendMessage").Where(r => chatId is null || r.Json.GetProperty("chat_id").GetInt64() == chatId).ToList();

    public async Task<RecordedRequest> WaitForNotificationAsync(int count = 1)
    {
        await Telegram.WaitForAsync(all => all.Count(r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal) && r.Json.TryGetProperty("reply_markup", out _)) >= count);
        return Notifications()[count - 1];
    }

    /// <summary>The handoff notifications sent (the messages with buttons).</summary>
    public IReadOnlyList<RecordedRequest> Notifications() =>
        Sent().Where(r => r.Json.TryGetProperty("reply_markup", out _)).ToList();

    public long NextUpdateId() => Interlocked.Increment(ref _nextUpdateId);

    public static JsonObject TextMessage(long chatId, string? text, int? replyTo = null, int messageId = 77, long? updateId = null)
    {
        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = 1_764_000_000,
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
            ["from"] = new JsonObject { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = "Pat" },
        };
        if (text is not null)
        {
            message["text"] = text;
        }
        else
        {
            message["photo"] = new JsonArray(new JsonObject { ["file_id"] = "f1", ["file_unique_id"] = "u1", ["width"] = 10, ["height"] = 10 });
        }

        if (replyTo is not null)
        {
            message["reply_to_message"] = new JsonObject
            {
                ["message_id"] = replyTo,
                ["date"] = 1_764_000_000,
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                ["text"] = "notification",
            };
        }

        return new JsonObject { ["update_id"] = updateId ?? 1, ["message"] = message };
    }

    public static JsonObject Button(long chatId, int messageId, string data, string queryId = "cbq-1", long updateId = 1) => new()
    {
        ["update_id"] = updateId,
        ["callback_query"] = new JsonObject
        {
            ["id"] = queryId,
            ["from"] = new JsonObject { ["id"] = chatId, ["is_bot"] = false, ["first_name"] = "Pat" },
            ["chat_instance"] = "ci",
            ["data"] = data,
            ["message"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["date"] = 1_764_000_000,
                ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private" },
                ["text"] = "notification",
            },
        },
    };

    /// <summary>Posts an update to the Telegram webhook with the secret (or the given one; null sends none).</summary>
    public async Task<HttpResponseMessage> SendUpdateAsync(JsonNode update, string? secret = TelegramSecret)
    {
        if (update is JsonObject o && o["update_id"]?.GetValue<long>() == 1)
        {
            o["update_id"] = NextUpdateId();
        }

        return await SendRawUpdateAsync(update.ToJsonString(), secret);
    }

    public async Task<HttpResponseMessage> SendRawUpdateAsync(string body, string? secret = TelegramSecret, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/telegram") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }

        return await (client ?? Client).SendAsync(request);
    }

    /// <summary>Plain-text answers the bot sent to a chat (no buttons), in order.</summary>
    public IReadOnlyList<string> AnswersTo(long chatId) =>
        Sent(chatId).Where(r => !r.Json.TryGetProperty("reply_markup", out _)).Select(r => r.Json.GetProperty("text").GetString()!).ToList();

    public async Task<string> WaitForAnswerAsync(long chatId, int count = 1)
    {
        await Telegram.WaitForAsync(_ => AnswersTo(chatId).Count >= count);
        return AnswersTo(chatId)[count - 1];
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    public async ValueTask DisposeAsync()
    {
        await Chatwoot.DisposeAsync();
        await Telegram.DisposeAsync();
        await Twilio.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
