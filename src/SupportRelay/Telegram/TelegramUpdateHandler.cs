using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Inbox;
using SupportRelay.Notifications;
using SupportRelay.Providers;
using SupportRelay.Storage;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace SupportRelay.Telegram;

/// <summary>
/// One stored Telegram update: <c>/start</c> links a chat; a reply to a notification (text, or a photo
/// or file with its caption) goes to the conversation (<c>note:</c> makes it a private note); a button
/// sets the conversation's status. Every effect is an outbox row stored with the update's completion,
/// so a redelivered or re-processed update acts once. Replies and buttons are checked against the
/// provider who owns the conversation.
/// </summary>
public sealed partial class TelegramUpdateHandler(
    ProviderStore providers,
    DestinationStore destinations,
    TelegramLinkStore links,
    WorkQueue queue,
    WorkSignal signal,
    SqlDialect dialect,
    TimeProvider time,
    IOptionsMonitor<TelegramOptions> options,
    ILogger<TelegramUpdateHandler> logger) : IInboxHandler
{
    public const string EventType = "telegram.update";

    public bool Handles(string eventType) => eventType == EventType;

    public async Task<WorkOutcome> HandleAsync(WorkItem item, CancellationToken cancellationToken)
    {
        Update update;
        try
        {
            update = JsonSerializer.Deserialize<Update>(item.Payload, JsonBotAPI.Options) ?? throw new JsonException("null update");
        }
        catch (JsonException ex)
        {
            return WorkOutcome.Fail("Unreadable Telegram update: " + ex.Message);
        }

        var effects = update switch
        {
            { Message: { } message } => await OnMessageAsync(update.Id, message, cancellationToken),
            { CallbackQuery: { } query } => await OnCallbackAsync(update.Id, query, cancellationToken),
            _ => [],
        };

        await using (var connection = await dialect.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var effect in effects)
            {
                await queue.EnqueueAsync(effect, connection, transaction, cancellationToken);
            }

            await queue.CompleteAsync(WorkTable.Inbox, item.Id, connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (effects.Count > 0)
        {
            signal.Notify(WorkTable.Outbox);
        }

        return WorkOutcome.Done;
    }

    private async Task<List<OutboxMessage>> OnMessageAsync(int updateId, Message message, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        var text = message.Text?.Trim();
        OutboxMessage Answer(string answer) => new(TelegramMessageJob.Kind, $"telegram-answer:{updateId}", $"telegram:{chatId}",
            new TelegramMessageJob(chatId, answer, message.Id).ToJson());

        if (text is not null && (text == "/start" || text.StartsWith("/start ", StringComparison.Ordinal) || text.StartsWith("/start@", StringComparison.Ordinal)))
        {
            var (answer, linked) = await StartAsync(chatId, text, cancellationToken);
            return linked || await MayAnswerAsync(chatId, cancellationToken) ? [Answer(answer)] : [];
        }

        if (message.ReplyToMessage is not { } repliedTo)
        {
            return !await MayAnswerAsync(chatId, cancellationToken) ? [] : [Answer(text is null
                ? "To pass a photo or a file on to a customer, send it as a reply to their notification."
                : "To answer a customer, reply to their notification (swipe left on it, or choose Reply). Start the reply with \"note:\" to leave a private note for your team instead.")];
        }

        var (permission, link) = await links.CheckAsync(chatId, repliedTo.Id, cancellationToken);
        if (permission != ChatPermission.Allowed)
        {
            LogRefused(chatId, repliedTo.Id, permission);
            return await MayAnswerAsync(chatId, cancellationToken) ? [Answer(Refusal(permission))] : [];
        }

        var attached = FileOf(message);
        if (attached is { Size: > TelegramBot.MaxDownloadBytes })
        {
            return [Answer("This file is too large to pass on: Telegram lets bots fetch files of up to 20 MB. Share a link to it instead.")];
        }

        // A photo's or a file's words are its caption.
        var body = (text ?? message.Caption)?.Trim() ?? "";
        if (attached is null && body.Length == 0)
        {
            return [Answer("Only text, photos and files can be passed on to the customer, not stickers, voice or video messages.")];
        }

        var note = NotePrefix().Match(body);
        var isNote = note.Success;
        var content = isNote ? body[note.Length..].Trim() : body;
        if (content.Length == 0 && attached is null)
        {
            return [Answer("The note is empty: write it after \"note:\".")];
        }

        var job = new ChatwootMessageJob(link!.AccountId, link.ConversationId, content, isNote, null, time.GetUtcNow().ToUnixTimeMilliseconds());
        LogReply(chatId, link.AccountId, link.ConversationId, isNote);
        return [new OutboxMessage(TelegramReplyJob.Kind, $"telegram-reply:{chatId}:{message.Id}", $"chatwoot:{link.AccountId}:{link.ConversationId}",
            new TelegramReplyJob(job, chatId, message.Id, attached?.File).ToJson())];
    }

    /// <summary>The photo (its largest size; Telegram sends photos as JPEG) or the file a message carries, with its size when known.</summary>
    private static (TelegramFile File, long? Size)? FileOf(Message message) => message switch
    {
        { Photo: { Length: > 0 } sizes } => (new TelegramFile(sizes[^1].FileId, "photo.jpg", "image/jpeg"), sizes[^1].FileSize),
        { Document: { } document } => (new TelegramFile(document.FileId, FileName(document.FileName), document.MimeType ?? "application/octet-stream"), document.FileSize),
        _ => null,
    };

    /// <summary>The sender's file name without any path or control characters, at most 200 characters.</summary>
    private static string FileName(string? name)
    {
        var clean = new string([.. Path.GetFileName((name ?? "").Replace('\\', '/')).Where(c => !char.IsControl(c))]).Trim();
        return clean.Length == 0 ? "file" : clean.Length <= 200 ? clean : clean[^200..];
    }

    /// <summary>What <c>/start</c> answers, and whether it linked the chat (a link is always confirmed, whatever the throttle).</summary>
    private async Task<(string Answer, bool Linked)> StartAsync(long chatId, string text, CancellationToken cancellationToken)
    {
        var chat = chatId.ToString(CultureInfo.InvariantCulture);
        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2)
        {
            return ($"Hello! This chat's id is {chat}.\nTo receive your customers' handoffs here, create a link code with the provider API "
                + "(POST /api/v1/providers/me/telegram-link, or the command line: provider telegram-link) and open the link it gives you, "
                + $"or set telegramChatId to {chat} in your notification config and press \"Link this chat\" on the message the bot then posts here.", false);
        }

        var code = parts[1];
        if (code.Length > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return ("This link code is not valid. Create a new link with the provider API and open it.", false);
        }

        var result = await providers.LinkTelegramChatAsync(code, chatId, cancellationToken);
        LogLink(chatId, result.Outcome);
        return result.Outcome switch
        {
            TelegramLinkOutcome.Linked => ("Linked. Handoffs of your customers' conversations will be notified in this chat (when your notification config says telegram). Reply to a notification to answer the customer.", true),
            TelegramLinkOutcome.Expired => ("This link has expired. Create a new one with the provider API and open it within its lifetime.", false),
            TelegramLinkOutcome.AlreadyUsed => ("This link was already used by another chat. Create a new one to link this chat.", false),
            _ => ("This link code is unknown. Create a new link with the provider API and open it.", false),
        };
    }

    /// <summary>
    /// A chat that no provider proved gets a few answers an hour (<c>Telegram:UnlinkedChatAnswersPerHour</c>), then
    /// silence: anyone can write to a bot, and each answer costs a call within Telegram's limits.
    /// </summary>
    private async Task<bool> MayAnswerAsync(long chatId, CancellationToken cancellationToken) =>
        await destinations.IsProvenAnywhereAsync(NotificationChannel.Telegram, chatId.ToString(CultureInfo.InvariantCulture), cancellationToken)
        || await queue.CountRecentAsync(TelegramMessageJob.Kind, $"telegram:{chatId.ToString(CultureInfo.InvariantCulture)}",
            time.GetUtcNow().AddHours(-1), cancellationToken) < options.CurrentValue.UnlinkedChatAnswersPerHour;

    /// <summary>"Link this chat" pressed on a confirmation the bot posted in this chat: the chat becomes the provider's.</summary>
    private async Task<List<OutboxMessage>> OnLinkButtonAsync(int updateId, CallbackQuery query, Message message, string token, CancellationToken cancellationToken)
    {
        var chatId = message.Chat.Id;
        var linked = await destinations.RedeemLinkAsync(token, NotificationChannel.Telegram, chatId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        LogLinkButton(chatId, linked is not null);
        var answer = linked is null
            ? "This confirmation has expired or was used already. Ask for a new one by saving the notification config again."
            : $"Linked. Handoffs of provider {Notifications.VerificationDelivery.ShortKey(linked.ProviderPubkey)} will be notified in this chat. Reply to a notification to answer the customer.";
        return [new OutboxMessage(TelegramCallbackJob.Kind, $"telegram-callback:{query.Id}", $"telegram:{chatId}",
            new TelegramCallbackJob(query.Id, chatId, message.Id, 0, 0, TelegramCallbackJob.NoStatus, answer).ToJson())];
    }

    private async Task<List<OutboxMessage>> OnCallbackAsync(int updateId, CallbackQuery query, CancellationToken cancellationToken)
    {
        if (query.Message is not { } message)
        {
            return [];
        }

        var chatId = message.Chat.Id;
        if (query.Data is { } data && data.StartsWith(Notifications.VerificationJob.LinkButtonPrefix, StringComparison.Ordinal))
        {
            return await OnLinkButtonAsync(updateId, query, message, data[Notifications.VerificationJob.LinkButtonPrefix.Length..], cancellationToken);
        }

        var status = query.Data switch
        {
            TelegramNotificationChannel.ResolveData => "resolved",
            TelegramNotificationChannel.BackToBotData => "pending",
            _ => null,
        };
        var (permission, link) = status is null ? (ChatPermission.UnknownMessage, null) : await links.CheckAsync(chatId, message.Id, cancellationToken);
        if (permission != ChatPermission.Allowed)
        {
            LogRefused(chatId, message.Id, permission);
            return [new OutboxMessage(TelegramMessageJob.Kind, $"telegram-answer:{updateId}", $"telegram:{chatId}",
                new TelegramMessageJob(chatId, Refusal(permission), message.Id).ToJson())];
        }

        return [new OutboxMessage(TelegramCallbackJob.Kind, $"telegram-callback:{query.Id}", $"chatwoot:{link!.AccountId}:{link.ConversationId}",
            new TelegramCallbackJob(query.Id, chatId, message.Id, link.AccountId, link.ConversationId, status!).ToJson())];
    }

    public static string Refusal(ChatPermission permission) => permission switch
    {
        ChatPermission.UnknownMessage => "That message is not a handoff notification, so I don't know which conversation you mean. Reply to the notification itself.",
        ChatPermission.ChatNotLinked => "This chat is no longer the chat linked to the provider account this conversation belongs to, so it cannot answer it.",
        ChatPermission.NotTheirs => "This conversation is no longer yours: it was handed to another provider.",
        ChatPermission.Resolved => "This conversation is resolved. Reopen it in Chatwoot first if the customer needs an answer.",
        _ => "This action is not possible.",
    };

    /// <summary>A private note: "note:" and its variants ("Note :", "note -", "NOTE—"), as people type them.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*note\s*(?:[:：]|[-–—](?=\s|$))\s*", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex NotePrefix();

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram chat {ChatId}: link attempt {Outcome}")]
    private partial void LogLink(long chatId, TelegramLinkOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram chat {ChatId}: \"Link this chat\" pressed (linked: {Linked})")]
    private partial void LogLinkButton(long chatId, bool linked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram chat {ChatId}: action on message {MessageId} refused ({Permission})")]
    private partial void LogRefused(long chatId, long messageId, ChatPermission permission);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram chat {ChatId}: reply queued for conversation {AccountId}/{ConversationId} (private note: {IsNote})")]
    private partial void LogReply(long chatId, long accountId, long conversationId, bool isNote);
}

