using System.Net;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace SupportRelay.Telegram;

/// <summary>A failed Bot API call, classified for the outbox: permanent, or retry (after Telegram's <c>retry_after</c>).</summary>
public sealed class TelegramException(string message, int? errorCode, bool permanent, TimeSpan? retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    public int? ErrorCode { get; } = errorCode;

    /// <summary>Sending again cannot help: the bot is blocked (403), the chat does not exist, the request is refused (400, 401).</summary>
    public bool Permanent { get; } = permanent;

    /// <summary>Telegram's <c>parameters.retry_after</c> of a 429.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The typed client of the Telegram Bot API, through Telegram.Bot over an <see cref="HttpClient"/> from
/// the factory. Telegram.Bot's own 429 retries are off: the outbox retries, honouring <c>retry_after</c>,
/// without holding a worker.
/// </summary>
public sealed class TelegramBot(HttpClient http, IOptionsMonitor<TelegramOptions> options)
{
    public const int MaxMessageLength = 4096;

    /// <summary>The largest file the Bot API lets a bot download (getFile).</summary>
    public const long MaxDownloadBytes = 20 * 1024 * 1024;

    private TelegramOptions Options => options.CurrentValue;

    /// <summary>Sends an HTML message; returns its message id.</summary>
    public Task<int> SendHtmlAsync(long chatId, string html, InlineKeyboardMarkup? buttons, int? replyTo, CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            var message = await client.SendMessage(chatId, html, ParseMode.Html,
                replyParameters: replyTo is null ? null : new ReplyParameters { MessageId = replyTo.Value, AllowSendingWithoutReply = true },
                replyMarkup: buttons,
                linkPreviewOptions: new LinkPreviewOptions { IsDisabled = true },
                cancellationToken: ct);
            return message.Id;
        }, Options.RequestTimeout, cancellationToken);

    /// <summary>Sends plain text (no parse mode: nothing in it is markup).</summary>
    public Task<int> SendTextAsync(long chatId, string text, int? replyTo, CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            var message = await client.SendMessage(chatId, text, ParseMode.None,
                replyParameters: replyTo is null ? null : new ReplyParameters { MessageId = replyTo.Value, AllowSendingWithoutReply = true },
                cancellationToken: ct);
            return message.Id;
        }, Options.RequestTimeout, cancellationToken);

    public Task AnswerCallbackQueryAsync(string callbackQueryId, string text, CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            await client.AnswerCallbackQuery(callbackQueryId, text, cancellationToken: ct);
            return 0;
        }, Options.RequestTimeout, cancellationToken);

    /// <summary>Removes the inline buttons of a notification once they have been used.</summary>
    public Task RemoveButtonsAsync(long chatId, int messageId, CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            await client.EditMessageReplyMarkup(chatId, messageId, replyMarkup: null, cancellationToken: ct);
            return 0;
        }, Options.RequestTimeout, cancellationToken);

    /// <summary>
    /// Downloads a file a chat sent (getFile, then the file route). The Bot API serves files up to
    /// <see cref="MaxDownloadBytes"/>; the download may take a few request timeouts.
    /// </summary>
    public Task<byte[]> DownloadAsync(string fileId, CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            var file = await client.GetFile(fileId, ct);
            if (file.FilePath is null)
            {
                throw new TelegramException("Telegram gave no path for the file.", null, permanent: true, retryAfter: null);
            }

            using var content = new MemoryStream();
            await client.DownloadFile(file.FilePath, content, ct);
            return content.ToArray();
        }, Options.RequestTimeout * 6, cancellationToken);

    /// <summary>Long polling: the updates after <paramref name="offset"/>, waiting up to Telegram:PollingTimeout for some.</summary>
    public Task<Update[]> GetUpdatesAsync(int? offset, CancellationToken cancellationToken)
    {
        var wait = Options.PollingTimeout;
        return CallAsync((client, ct) => client.GetUpdates(offset, limit: 100, timeout: (int)wait.TotalSeconds,
            allowedUpdates: [UpdateType.Message, UpdateType.CallbackQuery], cancellationToken: ct), wait + Options.RequestTimeout, cancellationToken);
    }

    public Task SetWebhookAsync(Uri url, string secret, CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            await client.SetWebhook(url.ToString(), secretToken: secret,
                allowedUpdates: [UpdateType.Message, UpdateType.CallbackQuery], cancellationToken: ct);
            return 0;
        }, Options.RequestTimeout, cancellationToken);

    /// <summary>getUpdates refuses to work while a webhook is set; polling removes it first.</summary>
    public Task DeleteWebhookAsync(CancellationToken cancellationToken) =>
        CallAsync(async (client, ct) =>
        {
            await client.DeleteWebhook(cancellationToken: ct);
            return 0;
        }, Options.RequestTimeout, cancellationToken);

    private async Task<T> CallAsync<T>(Func<ITelegramBotClient, CancellationToken, Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var settings = Options;
        if (!settings.IsConfigured)
        {
            throw new TelegramException("Telegram:BotToken is not configured.", null, permanent: true, retryAfter: null);
        }

        var client = new TelegramBotClient(new TelegramBotClientOptions(settings.BotToken!, settings.ApiBaseUrl.ToString().TrimEnd('/'))
        {
            RetryCount = 0,
        }, http);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await call(client, deadline.Token);
        }
        catch (ApiRequestException ex)
        {
            var retryAfter = ex.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            // 400 (chat not found, bad markup, too long), 401 (token) and 403 (blocked, kicked) do not heal by
            // themselves; 429 and 5xx do. The description may echo our text: keep only the code and Telegram's words.
            var permanent = ex.ErrorCode is 400 or 401 or 403 or 404;
            throw new TelegramException($"Telegram answered {ex.ErrorCode}: {ex.Message}", ex.ErrorCode, permanent, retryAfter, ex);
        }
        catch (RequestException ex)
        {
            var status = (int?)ex.HttpStatusCode;
            throw new TelegramException($"Telegram call failed{(status is null ? "" : $" ({status})")}: {ex.Message}", status,
                permanent: ex.HttpStatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, retryAfter: null, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TelegramException("Telegram did not answer in time.", null, permanent: false, retryAfter: null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TelegramException($"Telegram is unreachable ({ex.HttpRequestError}).", null, permanent: false, retryAfter: null, ex);
        }
    }
}
