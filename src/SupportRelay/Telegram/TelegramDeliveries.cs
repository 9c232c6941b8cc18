using System.Globalization;
using SupportRelay.Chatwoot;
using SupportRelay.Delivery;
using SupportRelay.Storage;

namespace SupportRelay.Telegram;

/// <summary>Sends <c>telegram.message</c> rows: plain-text answers to a chat, retried on 429 (after <c>retry_after</c>) and 5xx.</summary>
public sealed class TelegramMessageDelivery(TelegramBot telegram) : DeliveryHandler<TelegramMessageJob>(TelegramMessageJob.FromJson)
{
    public override string Kind => TelegramMessageJob.Kind;

    protected override async Task<WorkOutcome> DeliverAsync(WorkItem item, TelegramMessageJob job, CancellationToken cancellationToken)
    {
        try
        {
            await telegram.SendTextAsync(job.ChatId, job.Text, job.ReplyTo, cancellationToken);
            return WorkOutcome.Done;
        }
        catch (TelegramException ex)
        {
            return ex.Permanent ? WorkOutcome.Fail(ex.Message) : WorkOutcome.Retry(ex.Message, ex.RetryAfter);
        }
    }
}

/// <summary>
/// Sends <c>telegram.reply</c> rows: the provider's reply is posted by <see cref="ChatwootMessageDelivery"/>
/// (the same two-step, echo-checked poster as the bot's replies), then confirmed in the chat. When Chatwoot
/// fails the provider hears why: a refusal ends it, an outage is retried (they are told once).
/// </summary>
public sealed partial class TelegramReplyDelivery(ChatwootMessageDelivery poster, TelegramBot telegram, ILogger<TelegramReplyDelivery> logger) : DeliveryHandler<TelegramReplyJob>(TelegramReplyJob.FromJson)
{
    public override string Kind => TelegramReplyJob.Kind;

    protected override async Task<WorkOutcome> DeliverAsync(WorkItem item, TelegramReplyJob job, CancellationToken cancellationToken)
    {
        var conversation = job.Message.ConversationId.ToString(CultureInfo.InvariantCulture);
        MessageFile? file = null;
        if (job.File is { } attached && item.Progress == 0)
        {
            try
            {
                file = new MessageFile(attached.FileName, attached.ContentType, await telegram.DownloadAsync(attached.FileId, cancellationToken));
            }
            catch (TelegramException ex) when (ex.Permanent)
            {
                return await TellAsync(job, $"❌ Your file could not be fetched from Telegram ({ex.Message}). Nothing was sent to conversation #{conversation}.",
                    WorkOutcome.Fail("file: " + ex.Message), cancellationToken);
            }
            catch (TelegramException ex)
            {
                return WorkOutcome.Retry("file: " + ex.Message, ex.RetryAfter);
            }
        }

        // Progress 1 means posted: the poster skips straight to done, and only the confirmation is (re)sent.
        var posted = await poster.PostAsync(item, job.Message, file, cancellationToken);
        switch (posted)
        {
            case WorkOutcome.DoneOutcome:
                var withFile = job.File switch
                {
                    null => "",
                    { ContentType: var type } when type.StartsWith("image/", StringComparison.Ordinal) => ", with your image",
                    _ => ", with your file",
                };
                return await TellAsync(job, job.Message.Private
                    ? $"📝 Private note added to conversation #{conversation}{withFile}."
                    : $"✅ Sent to the customer in conversation #{conversation}{withFile}.", WorkOutcome.Done, cancellationToken);
            case WorkOutcome.FailOutcome fail:
                return await TellAsync(job, $"❌ Chatwoot refused your reply to conversation #{conversation} ({fail.Error}). It was not delivered.",
                    posted, cancellationToken);
            default:
                if (item.Attempts == 1)
                {
                    // Said once; the outbox keeps retrying without repeating it.
                    await TryTellAsync(job, $"⏳ Chatwoot is not reachable right now; your reply to conversation #{conversation} is queued and will be sent when it is back.", cancellationToken);
                }

                return posted;
        }
    }

    private async Task<WorkOutcome> TellAsync(TelegramReplyJob job, string text, WorkOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await telegram.SendTextAsync(job.ChatId, text, job.ReplyTo, cancellationToken);
            return outcome;
        }
        catch (TelegramException ex) when (!ex.Permanent && outcome is WorkOutcome.DoneOutcome)
        {
            // Posted already (progress is saved): only the confirmation is tried again.
            return WorkOutcome.Retry("confirmation: " + ex.Message, ex.RetryAfter);
        }
        catch (TelegramException ex)
        {
            LogConfirmationFailed(job.ChatId, ex.Message);
            return outcome;
        }
    }

    private async Task TryTellAsync(TelegramReplyJob job, string text, CancellationToken cancellationToken)
    {
        try
        {
            await telegram.SendTextAsync(job.ChatId, text, job.ReplyTo, cancellationToken);
        }
        catch (TelegramException ex)
        {
            LogConfirmationFailed(job.ChatId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram chat {ChatId}: could not tell the provider about their reply: {Error}")]
    private partial void LogConfirmationFailed(long chatId, string error);
}

/// <summary>
/// Sends <c>telegram.callback</c> rows: sets the conversation's status in Chatwoot (idempotent, so a retry
/// is safe), then answers the button, removes the buttons and confirms in the chat.
/// </summary>
public sealed partial class TelegramCallbackDelivery(ChatwootClient chatwoot, TelegramBot telegram, WorkQueue queue, ILogger<TelegramCallbackDelivery> logger)
    : DeliveryHandler<TelegramCallbackJob>(TelegramCallbackJob.FromJson)
{
    public override string Kind => TelegramCallbackJob.Kind;

    protected override async Task<WorkOutcome> DeliverAsync(WorkItem item, TelegramCallbackJob job, CancellationToken cancellationToken)
    {
        var conversation = job.ConversationId.ToString(CultureInfo.InvariantCulture);
        if (item.Progress == 0 && job.Status != TelegramCallbackJob.NoStatus)
        {
            try
            {
                await chatwoot.ToggleStatusAsync(job.AccountId, job.ConversationId, job.Status, cancellationToken);
                await queue.SaveProgressAsync(item.Id, 1, cancellationToken);
            }
            catch (ChatwootException ex)
            {
                if (ex.IsPermanent)
                {
                    await QuietlyAsync(() => telegram.AnswerCallbackQueryAsync(job.CallbackQueryId, "Chatwoot refused the change.", cancellationToken), job.ChatId);
                    await QuietlyAsync(() => telegram.SendTextAsync(job.ChatId, $"❌ Chatwoot refused to change conversation #{conversation} ({ex.Message}).", job.MessageId, cancellationToken), job.ChatId);
                    return WorkOutcome.Fail(ex.Message);
                }

                if (item.Attempts == 1)
                {
                    await QuietlyAsync(() => telegram.AnswerCallbackQueryAsync(job.CallbackQueryId, "Chatwoot is not reachable; I will keep trying.", cancellationToken), job.ChatId);
                }

                return WorkOutcome.Retry(ex.Message);
            }
        }

        var done = job.Answer
            ?? (job.Status == "resolved" ? $"✅ Conversation #{conversation} resolved." : $"🤖 Conversation #{conversation} handed back to the bot.");
        await QuietlyAsync(() => telegram.AnswerCallbackQueryAsync(job.CallbackQueryId, done, cancellationToken), job.ChatId);
        await QuietlyAsync(() => telegram.RemoveButtonsAsync(job.ChatId, job.MessageId, cancellationToken), job.ChatId);
        try
        {
            await telegram.SendTextAsync(job.ChatId, done, job.MessageId, cancellationToken);
            return WorkOutcome.Done;
        }
        catch (TelegramException ex) when (!ex.Permanent)
        {
            return WorkOutcome.Retry("confirmation: " + ex.Message, ex.RetryAfter);
        }
        catch (TelegramException)
        {
            return WorkOutcome.Done;
        }
    }

    /// <summary>Best-effort calls: a callback query expires after a while, and removing buttons is cosmetic.</summary>
    private async Task QuietlyAsync(Func<Task> call, long chatId)
    {
        try
        {
            await call();
        }
        catch (TelegramException ex)
        {
            LogBestEffortFailed(chatId, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Telegram chat {ChatId}: a best-effort call failed: {Error}")]
    private partial void LogBestEffortFailed(long chatId, string error);
}
