using System.Globalization;
using Microsoft.Extensions.Options;
using SupportRelay.Providers;
using SupportRelay.Telegram;
using Telegram.Bot.Types.ReplyMarkups;

namespace SupportRelay.Notifications;

/// <summary>
/// Telegram notifications: HTML with everything from outside escaped, at most 4,096 characters, the
/// customer's words in a quote of their own, and Resolve and Back-to-bot buttons on a conversation's
/// notification. The result carries the message id, by which replies are routed.
/// </summary>
public sealed class TelegramNotificationChannel(TelegramBot telegram, IOptionsMonitor<TelegramOptions> options) : INotificationChannel
{
    public const string ResolveData = "status:resolved";
    public const string BackToBotData = "status:pending";

    public NotificationChannel Channel => NotificationChannel.Telegram;

    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public async Task<NotificationResult> SendAsync(string address, NotificationContent content, CancellationToken cancellationToken)
    {
        if (!long.TryParse(address, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chatId))
        {
            return NotificationResult.PermanentFailure("The Telegram chat id is not a number.");
        }

        var buttons = content.Buttons is { Count: > 0 } given
            ? new InlineKeyboardMarkup([[.. given.Select(b => InlineKeyboardButton.WithCallbackData(b.Label, b.Data))]])
            : content.IsAboutConversation
                ? new InlineKeyboardMarkup([[InlineKeyboardButton.WithCallbackData("✅ Resolve", ResolveData), InlineKeyboardButton.WithCallbackData("🤖 Back to bot", BackToBotData)]])
                : null;
        try
        {
            var messageId = await telegram.SendHtmlAsync(chatId, Format(content), buttons, replyTo: null, cancellationToken);
            return NotificationResult.Sent(messageId);
        }
        catch (TelegramException ex)
        {
            return ex.Permanent ? NotificationResult.PermanentFailure(ex.Message) : NotificationResult.Transient(ex.Message, ex.RetryAfter);
        }
    }

    /// <summary>
    /// Bold subject, our text, the customer's words in a blockquote under their label, the link, and how to
    /// answer; the texts are cut so the whole fits in 4,096 characters (the customer's first).
    /// </summary>
    public static string Format(NotificationContent content)
    {
        var head = $"<b>{TelegramHtml.EscapeWithin(content.Subject, 200)}</b>\n\n";
        var tail = "";
        if (content.Link is not null)
        {
            tail += "\n\n" + TelegramHtml.Link(content.Link, content.LinkLabel);
        }

        if (content.IsAboutConversation)
        {
            tail += "\n\n<i>Reply to this message to answer the customer; start the reply with</i> <code>note:</code> <i>for a private note.</i>";
        }

        var room = TelegramBot.MaxMessageLength - head.Length - tail.Length;
        var text = TelegramHtml.EscapeWithin(content.Text, room);
        room -= text.Length;
        var quote = "";
        if (!string.IsNullOrWhiteSpace(content.CustomerText))
        {
            var label = $"\n\n<i>{TelegramHtml.EscapeWithin(content.CustomerTextLabel ?? "The customer wrote:", 200)}</i>\n<blockquote>";
            const string Close = "</blockquote>";
            var words = TelegramHtml.EscapeWithin(content.CustomerText, room - label.Length - Close.Length);
            quote = words.Length == 0 ? "" : label + words + Close;
        }

        return head + text + quote + tail;
    }
}
