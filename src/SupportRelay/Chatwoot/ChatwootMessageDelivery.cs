using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
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
/// is saved between them, so a retry never posts the message twice. When a post timed out, Chatwoot
/// may have created the message anyway: the retry waits, then looks for our own message in the
/// conversation (the agent bot receives its own messages as webhooks) before posting again.
/// </summary>
public sealed partial class ChatwootMessageDelivery(
    ChatwootClient chatwoot,
    WorkQueue queue,
    SqlDialect dialect,
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
        try
        {
            if (progress == 0)
            {
                if (item.Attempts > 1 && await AlreadyPostedAsync(job, file, cancellationToken))
                {
                    LogEchoFound(job.AccountId, job.ConversationId);
                }
                else
                {
                    await chatwoot.CreateMessageAsync(job.AccountId, job.ConversationId, job.Content, job.Private, file, cancellationToken);
                }

                progress = 1;
                await queue.SaveProgressAsync(item.Id, progress, cancellationToken);
            }

            if (progress == 1 && job.ThenStatus is not null)
            {
                await chatwoot.ToggleStatusAsync(job.AccountId, job.ConversationId, job.ThenStatus, cancellationToken);
            }

            return WorkOutcome.Done;
        }
        catch (ChatwootException ex)
        {
            LogFailed(job.AccountId, job.ConversationId, progress, ex.Message);
            if (ex.IsPermanent)
            {
                return WorkOutcome.Fail(ex.Message);
            }

            if (ex.Status == HttpStatusCode.UnprocessableEntity || ex.Status == HttpStatusCode.TooManyRequests)
            {
                // Chatwoot's per-conversation message limit: wait for the minute to pass.
                return WorkOutcome.Retry(ex.Message, TimeSpan.FromSeconds(60));
            }

            return ex.OutcomeUnknown && progress == 0
                ? WorkOutcome.Retry(ex.Message, options.CurrentValue.UnknownOutcomeDelay)
                : WorkOutcome.Retry(ex.Message);
        }
    }

    /// <summary>Whether our message's echo (recorded as the history records it: its text, or that it had a file) arrived after the job was made.</summary>
    private async Task<bool> AlreadyPostedAsync(ChatwootMessageJob job, MessageFile? file, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM conversation_messages
            WHERE account_id = @AccountId AND conversation_id = @ConversationId AND role = 'assistant'
              AND content = @Content AND created_at >= @CreatedAt
            """,
            new { job.AccountId, job.ConversationId, Content = ConversationStore.HistoryText(job.Content, file is null ? 0 : 1) ?? "", job.CreatedAt },
            cancellationToken: cancellationToken));
        return count > 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The message for conversation {AccountId}/{ConversationId} had been posted already; not posting it again")]
    private partial void LogEchoFound(long accountId, long conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Posting to conversation {AccountId}/{ConversationId} failed at step {Step}: {Error}")]
    private partial void LogFailed(long accountId, long conversationId, long step, string error);
}

[JsonSerializable(typeof(ChatwootMessageJob))]
internal sealed partial class ChatwootJobJsonContext : JsonSerializerContext;
