using System.Text.Json;
using System.Text.Json.Serialization;
using SupportRelay.Chatwoot;

namespace SupportRelay.Telegram;

/// <summary>A plain-text answer to a Telegram chat (link results, hints, confirmations).</summary>
public sealed record TelegramMessageJob(long ChatId, string Text, int? ReplyTo)
{
    public const string Kind = "telegram.message";

    public string ToJson() => JsonSerializer.Serialize(this, TelegramJsonContext.Default.TelegramMessageJob);

    public static TelegramMessageJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, TelegramJsonContext.Default.TelegramMessageJob) ?? throw new JsonException("Empty job.");
}

/// <summary>A file sent in a Telegram chat, to fetch from the Bot API when the reply is posted.</summary>
public sealed record TelegramFile(string FileId, string FileName, string ContentType);

/// <summary>A provider's Telegram reply (with the photo or file it carries) to post in the conversation, then confirm in the chat.</summary>
public sealed record TelegramReplyJob(ChatwootMessageJob Message, long ChatId, int ReplyTo, TelegramFile? File = null)
{
    public const string Kind = "telegram.reply";

    public string ToJson() => JsonSerializer.Serialize(this, TelegramJsonContext.Default.TelegramReplyJob);

    public static TelegramReplyJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, TelegramJsonContext.Default.TelegramReplyJob) ?? throw new JsonException("Empty job.");
}

/// <summary>
/// A button pressed: set the conversation's status (unless <see cref="Status"/> is <see cref="NoStatus"/>), then
/// answer the button, remove the buttons and confirm in the chat (with <see cref="Answer"/> when given).
/// </summary>
public sealed record TelegramCallbackJob(string CallbackQueryId, long ChatId, int MessageId, long AccountId, long ConversationId, string Status,
    string? Answer = null)
{
    public const string Kind = "telegram.callback";

    /// <summary>A button that changes no conversation ("Link this chat"): only the answer is sent.</summary>
    public const string NoStatus = "";

    public string ToJson() => JsonSerializer.Serialize(this, TelegramJsonContext.Default.TelegramCallbackJob);

    public static TelegramCallbackJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, TelegramJsonContext.Default.TelegramCallbackJob) ?? throw new JsonException("Empty job.");
}

[JsonSerializable(typeof(TelegramMessageJob))]
[JsonSerializable(typeof(TelegramReplyJob))]
[JsonSerializable(typeof(TelegramCallbackJob))]
internal sealed partial class TelegramJsonContext : JsonSerializerContext;
