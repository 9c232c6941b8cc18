using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using SupportRelay.Bot;
using SupportRelay.Delivery;
using SupportRelay.Storage;

namespace SupportRelay.Chatwoot;

/// <summary>
/// A message to post in a conversation, and optionally the status to set afterwards (a handoff
/// posts its message, then opens the conversation). A file to attach is supplied by its sender when
/// posting (<see cref="ChatwootMessageDelivery.PostAsync"/>).
/// </summary>
public sealed record ChatwootMessageJob(
    long AccountId,
    long ConversationId,
    string Content,
    bool Private,
    string? ThenStatus,
    long CreatedAt)
{
    public const string Kind = "chatwoot.message";

    public string ToJson() => JsonSerializer.Serialize(this, ChatwootJobJsonContext.Default.ChatwootMessageJob);

    public static ChatwootMessageJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, ChatwootJobJsonContext.Default.ChatwootMessageJob)
        ?? throw new JsonException("Empty job.");
}

/// <summary>
/// Posts outbox messages to Chatwoot. Step one posts the message, step two sets the status; progress
/// is saved between them, so a retry never posts the message twice. When a post's outcome is unknown (a
/// timeout, a dropped connection, a 5xx from Chatwoot or a proxy before it, a crash before the outcome was
/// recorded), Chatwoot may have created the message anyway: the retry waits, then looks for our message (its
/// echo webhook, and with a user token the conversation's messages as Chatwoot lists them: an echo sent to a
/// dead process is never redelivered) before posting again. A handoff whose message Chatwoot refuses still
/// opens the conversation: a customer left with the bot is worse than a handoff without its message.
/// </summary>
public sealed partial class ChatwootMessageDelivery(
    ChatwootClient chatwoot,
    WorkQueue queue,
    ConversationStore conversations,
    IOptionsMonitor<ChatwootOptions> options,
    ILogger<ChatwootMessageDelivery> logger) : DeliveryHandler<ChatwootMessageJob>(ChatwootMessageJob.FromJson)
{
    public override string Kind => ChatwootMessageJob.Kind;

    protected override Task<WorkOutcome> DeliverAsync(WorkItem item, ChatwootMessageJob job, CancellationToken cancellationToken) =>
        PostAsync(item, job, null, cancellationToken);

    /// <summary>Posts <paramref name="job"/> for the outbox row <paramref name="item"/>, with <paramref name="file"/> attached when given.</summary>
    public async Task<WorkOutcome> PostAsync(WorkItem item, ChatwootMessageJob job, MessageFile? file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(job);
        var progress = item.Progress;
        string? refused = null;
        try
        {
            if (progress == 0)
            {
                try
                {
                    // Any attempt after the first may follow one that reached Chatwoot: look before posting again.
                    if (item.Attempts > 1 && await AlreadyPostedAsync(job, file, cancellationToken))
                    {
                        LogEchoFound(job.AccountId, job.ConversationId);
                    }
                    else
                    {
                        await chatwoot.CreateMessageAsync(job.AccountId, job.ConversationId, job.Content, job.Private, file, cancellationToken);
                    }
                }
                catch (ChatwootException ex) when (ex.IsPermanent && job.ThenStatus is not null)
                {
                    LogHandoffMessageRefused(job.AccountId, job.ConversationId, ex.Message);
                    refused = ex.Message;
                }

                progress = 1;
                await queue.SaveProgressAsync(item.Id, progress, cancellationToken);
            }

            if (progress == 1 && job.ThenStatus is not null)
            {
                await chatwoot.ToggleStatusAsync(job.AccountId, job.ConversationId, job.ThenStatus, cancellationToken);
            }

            return refused is null ? WorkOutcome.Done : WorkOutcome.Fail($"{refused} (the conversation was handed off without its message)");
        }
        catch (ChatwootException ex)
        {
            LogFailed(job.AccountId, job.ConversationId, progress, ex.Message);
            if (ex.CircuitOpen)
            {
                // Nothing was sent: not an attempt.
                return WorkOutcome.Postpone(ex.Message, CircuitPause);
            }

            if (ex.IsPermanent)
            {
                return WorkOutcome.Fail(ex.Message);
            }

            if (ex.IsFloodLimit || ex.Status == HttpStatusCode.TooManyRequests)
            {
                // Chatwoot's per-conversation limit counts the last minute's messages: wait for the minute to pass.
                return WorkOutcome.Retry(ex.Message, TimeSpan.FromSeconds(60));
            }

            return ex.OutcomeUnknown && progress == 0
                ? WorkOutcome.Retry(ex.Message, options.CurrentValue.UnknownOutcomeDelay)
                : WorkOutcome.Retry(ex.Message);
        }
    }

    /// <summary>How long an open circuit breaker keeps calls away (its break lasts 5 s by default; the next try finds it half-open).</summary>
    private static readonly TimeSpan CircuitPause = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether our message was created after the job was made: its echo recorded in the history (its text, or
    /// that it had a file), or, with a user token, an outgoing message of the same text (and file) that Chatwoot
    /// lists. The echo of a post made just before a crash went to the dead process and is never redelivered.
    /// </summary>
    private async Task<bool> AlreadyPostedAsync(ChatwootMessageJob job, MessageFile? file, CancellationToken cancellationToken)
    {
        if (await conversations.HasOwnMessageSinceAsync(job.AccountId, job.ConversationId,
                ConversationStore.HistoryText(job.Content, file is null ? 0 : 1) ?? "", job.CreatedAt, cancellationToken))
        {
            return true;
        }

        var listed = await chatwoot.ListMessagesAsync(job.AccountId, job.ConversationId, cancellationToken);
        // Chatwoot's clock and ours may differ a little; a message of the same text minutes before the job is not ours.
        var since = DateTimeOffset.FromUnixTimeMilliseconds(job.CreatedAt) - TimeSpan.FromMinutes(1);
        return listed?.Any(m => m.Type is MessageType.Outgoing or MessageType.Template && m.Private == job.Private
            && string.Equals((m.Content ?? "").Trim(), job.Content.Trim(), StringComparison.Ordinal)
            && (file is null || m.Attachments > 0)
            && (m.CreatedAt is null || m.CreatedAt >= since)) == true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The message for conversation {AccountId}/{ConversationId} had been posted already; not posting it again")]
    private partial void LogEchoFound(long accountId, long conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: Chatwoot refused the handoff message ({Error}); opening the conversation without it")]
    private partial void LogHandoffMessageRefused(long accountId, long conversationId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posting to conversation {AccountId}/{ConversationId} failed at step {Step}: {Error}")]
    private partial void LogFailed(long accountId, long conversationId, long step, string error);
}

[JsonSerializable(typeof(ChatwootMessageJob))]
internal sealed partial class ChatwootJobJsonContext : JsonSerializerContext;
