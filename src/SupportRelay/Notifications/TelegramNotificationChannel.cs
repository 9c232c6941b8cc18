using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Providers;
using SupportRelay.Storage;
using SupportRelay.Telegram;
using Telegram.Bot.Types.ReplyMarkups;

namespace SupportRelay.Notifications;

/// <summary>
/// Telegram notifications: HTML with everything from outside escaped, at most 4,096 characters, with
/// Resolve and Back-to-bot buttons. The message is linked to its conversation by (chat id, message id),
/// so a reply to it, or a button under it, reaches the right conversation.
/// </summary>
public sealed class TelegramNotificationChannel(TelegramBot telegram, SqlDialect dialect, TimeProvider time, IOptionsMonitor<TelegramOptions> options)
    : INotificationChannel
{
    public const string ResolveData = "status:resolved";
    public const string BackToBotData = "status:pending";

    public NotificationChannel Channel => NotificationChannel.Telegram;

    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public async Task<NotificationResult> SendAsync(NotificationConfig config, NotificationContent content, CancellationToken cancellationToken)
    {
        if (config.TelegramChatId is not { } chatId)
        {
            return NotificationResult.PermanentFailure("No Telegram chat is linked.");
        }

        var forConversation = content.AccountId is not null && content.ConversationId is not null;
        var html = Format(content, forConversation);
        var buttons = forConversation
            ? new InlineKeyboardMarkup([[InlineKeyboardButton.WithCallbackData("✅ Resolve", ResolveData), InlineKeyboardButton.WithCallbackData("🤖 Back to bot", BackToBotData)]])
            : null;
        int messageId;
        try
        {
            messageId = await telegram.SendHtmlAsync(chatId, html, buttons, replyTo: null, cancellationToken);
        }
        catch (TelegramException ex)
        {
            return ex.Permanent ? NotificationResult.PermanentFailure(ex.Message) : NotificationResult.Transient(ex.Message, ex.RetryAfter);
        }

        if (forConversation)
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO telegram_message_links (chat_id, message_id, account_id, conversation_id, provider_pubkey, created_at)
                VALUES (@chatId, @messageId, @AccountId, @ConversationId, @ProviderPubkey, @now)
                ON CONFLICT (chat_id, message_id) DO NOTHING
                """,
                new { chatId, messageId = (long)messageId, content.AccountId, content.ConversationId, config.ProviderPubkey, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken));
        }

        return NotificationResult.Success;
    }

    /// <summary>The message: bold subject, the text, the link, and how to answer; the text is cut to keep the whole within 4,096.</summary>
    public static string Format(NotificationContent content, bool forConversation)
    {
        var head = $"<b>{TelegramHtml.EscapeWithin(content.Subject, 200)}</b>\n\n";
        var tail = "";
        if (content.Link is not null)
        {
            tail += "\n\n" + TelegramHtml.Link(content.Link, "Open the conversation in Chatwoot");
        }

        if (forConversation)
        {
            tail += "\n\n<i>Reply to this message to answer the customer; start the reply with</i> <code>note:</code> <i>for a private note.</i>";
        }

        var room = TelegramBot.MaxMessageLength - head.Length - tail.Length;
        return head + TelegramHtml.EscapeWithin(content.Text, room) + tail;
    }
}
