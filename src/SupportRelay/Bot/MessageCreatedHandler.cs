using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Answering;
using SupportRelay.Chatwoot;
using SupportRelay.HelpCenter;
using SupportRelay.Inbox;
using SupportRelay.Notifications;
using SupportRelay.Operations;
using SupportRelay.Retrieval;
using SupportRelay.Storage;

namespace SupportRelay.Bot;

/// <summary>
/// The bot's decision for one <c>message_created</c> event: answer from the Help Center, greet, hand
/// off to a person, or stay silent. The decision, the reply to send and the handoff are stored in one
/// transaction with the event's completion, so a redelivered or re-processed event never replies twice.
/// </summary>
public sealed partial class MessageCreatedHandler(
    ConversationStore conversations,
    InboxStore inbox,
    ProviderResolver providers,
    BotResponder responder,
    HandoffNotifier notifier,
    WorkQueue queue,
    WorkSignal signal,
    SqlDialect dialect,
    TimeProvider time,
    IOptionsMonitor<ChatwootOptions> chatwootOptions,
    IOptionsMonitor<BotOptions> botOptions,
    SupportRelayMetrics metrics,
    ILogger<MessageCreatedHandler> logger) : IInboxHandler
{
    public const string EventType = "chatwoot.message_created";

    /// <summary>Our own event: a customer's message whose quiet period is over (its payload the message's event).</summary>
    public const string AnswerDueType = "bot.answer_due";

    /// <summary>The most messages of one customer answered together.</summary>
    private const int MaxGathered = 5;

    public bool Handles(string eventType) => eventType is EventType or AnswerDueType;

    public async Task<WorkOutcome> HandleAsync(WorkItem item, CancellationToken cancellationToken)
    {
        ChatwootMessage message;
        try
        {
            using var document = JsonDocument.Parse(item.Payload);
            message = ChatwootPayload.ReadMessage(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return WorkOutcome.Fail("Unreadable message_created event: " + ex.Message);
        }

        var accountId = message.AccountId ?? chatwootOptions.CurrentValue.AccountId;
        if (accountId is null)
        {
            return WorkOutcome.Fail("The event names no account and Chatwoot:AccountId is not set.");
        }

        var due = item.Kind == AnswerDueType;
        if (!due)
        {
            var role = RoleOf(message);
            if (role is not null && ConversationStore.HistoryText(message.Content, message.Attachments) is { } text)
            {
                await conversations.RecordAsync(accountId.Value, message.ConversationId, message.MessageId, role, text, message.InboxId, cancellationToken);
            }

            if (IsAPersonsReply(message))
            {
                await notifier.PersonRepliedAsync(accountId.Value, message.ConversationId, message.ConversationStatus, cancellationToken);
            }
        }

        if (!IsForTheBot(message) || await HandoffUnderwayAsync(accountId.Value, message.ConversationId, cancellationToken))
        {
            return WorkOutcome.Done;
        }

        if (await notifier.PersonRepliedSinceHandedBackAsync(accountId.Value, message.ConversationId, cancellationToken))
        {
            LogPersonReplied(accountId.Value, message.ConversationId);
            return WorkOutcome.Done;
        }

        var quiet = botOptions.CurrentValue.QuietPeriod;
        if (!due && quiet > TimeSpan.Zero && !responder.AsksForAPerson(message.Content))
        {
            // The customer may still be typing the rest of the question: answer once they have been quiet a while.
            await WaitForQuietAsync(item, accountId.Value, message, quiet, cancellationToken);
            return WorkOutcome.Done;
        }

        if (due && await conversations.CustomerWroteAfterAsync(accountId.Value, message.ConversationId, message.MessageId, cancellationToken))
        {
            // They wrote again: the later message's answer covers this one.
            return WorkOutcome.Done;
        }

        var started = time.GetTimestamp();
        var (decision, question) = await DecideAsync(accountId.Value, message, due, cancellationToken);
        decision = decision with { ElapsedMs = (long)time.GetElapsedTime(started).TotalMilliseconds };
        await SaveAsync(item, accountId.Value, message, question, decision, cancellationToken);
        return WorkOutcome.Done;
    }

    /// <summary>
    /// The bot answers only a customer's message in a conversation it owns: an incoming, public message
    /// with text or attachments while the conversation is <c>pending</c>. Never its own messages, agents'
    /// messages, private notes, activity messages, empty messages, or conversations a person has taken.
    /// </summary>
    public static bool IsForTheBot(ChatwootMessage message) =>
        message.Type == MessageType.Incoming
        && !message.Private
        && (!string.IsNullOrWhiteSpace(message.Content) || message.Attachments > 0)
        && string.Equals(message.ConversationStatus, "pending", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An agent's public message (sender type <c>user</c>): it does not open a pending conversation (outside Captain
    /// inboxes), yet from then on the conversation is that person's until it is handed back to the bot.
    /// </summary>
    public static bool IsAPersonsReply(ChatwootMessage message) =>
        message is { Type: MessageType.Outgoing, Private: false, SenderType: "user" or "User" };

    private static string? RoleOf(ChatwootMessage message) => message switch
    {
        { Private: true } => null,
        { Type: MessageType.Incoming } => ConversationStore.Customer,
        { Type: MessageType.Outgoing or MessageType.Template, SenderType: "agent_bot" or "AgentBot" } => ConversationStore.Bot,
        { Type: MessageType.Outgoing } => ConversationStore.Agent,
        _ => null,
    };

    /// <summary>Completes the message's event and schedules its answer after the quiet period, in one transaction.</summary>
    private async Task WaitForQuietAsync(WorkItem item, long accountId, ChatwootMessage message, TimeSpan quiet, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await inbox.ScheduleAsync(Source, $"answer:{accountId}:{message.ConversationId}:{message.MessageId}", AnswerDueType,
            $"answer:{accountId}:{message.ConversationId}", item.Payload, time.GetUtcNow() + quiet, connection, transaction, cancellationToken);
        await queue.CompleteAsync(WorkTable.Inbox, item.Id, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogWaiting(accountId, message.ConversationId, quiet.TotalSeconds);
    }

    /// <summary>The source under which the bot's own scheduled events are stored.</summary>
    public const string Source = "bot";

    /// <param name="gathered">The quiet period is over: the question is every message the customer wrote since the last answer.</param>
    private async Task<(BotDecision Decision, string? Question)> DecideAsync(long accountId, ChatwootMessage message, bool gathered, CancellationToken cancellationToken)
    {
        var settings = botOptions.CurrentValue;
        if (await RepliesInLastMinuteAsync(accountId, message.ConversationId, cancellationToken) >= settings.MaxRepliesPerMinute)
        {
            return (BotDecision.Silent("throttled", "too_many_messages"), message.Content);
        }

        var question = message.Content;
        var asked = message.Content;
        var firstMessageId = message.MessageId;
        if (gathered)
        {
            var unanswered = await conversations.UnansweredAsync(accountId, message.ConversationId, message.MessageId, MaxGathered, cancellationToken);
            if (unanswered.Count > 1)
            {
                question = asked = string.Join('\n', unanswered.Select(m => m.Content));
                firstMessageId = unanswered[0].MessageId;
            }

            if (unanswered.Any(m => ConversationStore.IsAttachmentsOnly(m.Content)))
            {
                // A screenshot or a log file among them: what the customer asks is in it, and only a person can read it.
                asked = "";
            }
        }

        var owner = await providers.ResolveAsync(message.ProviderPubkey, message.ContractId, cancellationToken);
        var history = await conversations.RecentAsync(accountId, message.ConversationId, firstMessageId, settings.HistoryMessages, cancellationToken);
        return (await responder.RespondAsync(accountId, asked, message.Locale, owner, history, cancellationToken), question);
    }

    /// <summary>
    /// True while the bot's own handoff of this conversation has not reached Chatwoot yet: messages the
    /// customer writes meanwhile still say <c>pending</c>, but the conversation is already a person's.
    /// </summary>
    private async Task<bool> HandoffUnderwayAsync(long accountId, long conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        // The handoff row's key is "bot:{account}:{conversation}:{message}", its reply's "reply:" and the same.
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM handoffs h
            JOIN outbox o ON o.dedup_key = 'reply:' || substr(h.dedup_key, 5)
            WHERE h.account_id = @accountId AND h.conversation_id = @conversationId AND h.source = 'bot' AND o.state = 'pending'
            """,
            new { accountId, conversationId }, cancellationToken: cancellationToken)) > 0;
    }

    private async Task<long> RepliesInLastMinuteAsync(long accountId, long conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM bot_decisions
            WHERE account_id = @accountId AND conversation_id = @conversationId AND created_at >= @since AND outcome <> 'throttled'
            """,
            new { accountId, conversationId, since = time.GetUtcNow().AddMinutes(-1).ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    private async Task SaveAsync(WorkItem item, long accountId, ChatwootMessage message, string? question, BotDecision decision, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO bot_decisions (account_id, conversation_id, message_id, provider_pubkey, portal_slug, locale, question,
                outcome, reason, article_ids, scores, top_score, llm_used, elapsed_ms, created_at)
            VALUES (@accountId, @conversationId, @messageId, @ProviderPubkey, @PortalSlug, @Locale, @question,
                @Outcome, @Reason, @articleIds, @scores, @TopScore, @llmUsed, @ElapsedMs, @now)
            ON CONFLICT (account_id, conversation_id, message_id) DO NOTHING
            """,
            new
            {
                accountId,
                conversationId = message.ConversationId,
                messageId = message.MessageId,
                decision.ProviderPubkey,
                decision.PortalSlug,
                decision.Locale,
                question,
                decision.Outcome,
                decision.Reason,
                articleIds = JsonSerializer.Serialize(decision.ArticleIds, BotJsonContext.Default.IReadOnlyListString),
                scores = JsonSerializer.Serialize(decision.Scores, BotJsonContext.Default.IReadOnlyListDouble),
                decision.TopScore,
                llmUsed = decision.UsedModel ? 1L : 0L,
                decision.ElapsedMs,
                now,
            }, transaction, cancellationToken: cancellationToken));

        // Zero rows: this message was decided before (the same message under another delivery id).
        if (inserted > 0)
        {
            var key = $"{accountId}:{message.ConversationId}:{message.MessageId}";
            if (decision.Reply is not null)
            {
                var job = new ChatwootMessageJob(accountId, message.ConversationId, decision.Reply, false, decision.IsHandoff ? "open" : null, now);
                await queue.EnqueueAsync(new OutboxMessage(ChatwootMessageJob.Kind, "reply:" + key, $"chatwoot:{accountId}:{message.ConversationId}", job.ToJson()),
                    connection, transaction, cancellationToken);
            }

            if (decision.IsHandoff)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO handoffs (dedup_key, account_id, conversation_id, provider_pubkey, contract_id, reason, source, created_at)
                    VALUES (@dedupKey, @accountId, @conversationId, @ProviderPubkey, @ContractId, @Reason, 'bot', @now)
                    ON CONFLICT (dedup_key) DO NOTHING
                    """,
                    new { dedupKey = "bot:" + key, accountId, conversationId = message.ConversationId, decision.ProviderPubkey, decision.ContractId, decision.Reason, now },
                    transaction, cancellationToken: cancellationToken));
                // The notification rides in the same transaction; the status webhook that follows our
                // toggle_status finds this open episode notified and stays quiet.
                await notifier.HandOffAsync(
                    new HandoffNotice(accountId, message.ConversationId, decision.ProviderPubkey, decision.ContractId, decision.Reason, "bot", "bot:" + key),
                    connection, transaction, cancellationToken);
            }
        }

        await queue.CompleteAsync(WorkTable.Inbox, item.Id, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        if (inserted > 0)
        {
            signal.Notify(WorkTable.Outbox);
            metrics.Decision(decision.Outcome, decision.Reason);
            LogDecision(accountId, message.ConversationId, decision.Outcome, decision.Reason, decision.ArticleIds.Count, decision.ElapsedMs);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {AccountId}/{ConversationId}: answering once the customer has been quiet for {Seconds} s")]
    private partial void LogWaiting(long accountId, long conversationId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {AccountId}/{ConversationId}: a person has replied since it was handed to the bot; the bot stays quiet")]
    private partial void LogPersonReplied(long accountId, long conversationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {AccountId}/{ConversationId}: {Outcome} ({Reason}), {Articles} articles, {ElapsedMs} ms")]
    private partial void LogDecision(long accountId, long conversationId, string outcome, string reason, int articles, long elapsedMs);
}
