using System.Data.Common;
using Dapper;
using SupportRelay.Operations;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>
/// A conversation handed to a person: who owns it and why. <see cref="HandoffKey"/> names a
/// <c>handoffs</c> row the caller recorded itself (the bot's); without it the notifier records one.
/// </summary>
public sealed record HandoffNotice(
    long AccountId,
    long ConversationId,
    string? ProviderPubkey,
    string? ContractId,
    string Reason,
    string Source,
    string? HandoffKey = null);

/// <summary>
/// One notification per handoff. A conversation's "open episode" starts when it is handed to a person
/// and ends when it leaves <c>open</c> (resolved, back to the bot, snoozed). The first trigger of an
/// episode (our own handoff, or a status webhook moving it to open) records the handoff and enqueues
/// the notification in the caller's transaction; later triggers of the same episode (the webhook that
/// follows our own toggle_status, a redelivery, a <c>conversation_updated</c> twin) find it notified.
/// The outbox dedup key names the episode, so even a race between replicas enqueues it once. The episode row
/// also remembers whether a person replied since the conversation was last the bot's.
/// </summary>
public sealed partial class HandoffNotifier(WorkQueue queue, SqlDialect dialect, TimeProvider time, SupportRelayMetrics metrics, ILogger<HandoffNotifier> logger)
{
    public const string OpenStatus = "open";

    /// <summary>
    /// The episode number of a conversation without a record: 1 for a new conversation; after Housekeeping
    /// forgot a closed record, past every episode it ever notified (each has a <c>handoffs</c> row, kept), so
    /// the new episode's outbox and handoff keys are new. The caller's own handoff row (the bot's, recorded in
    /// this transaction) does not count.
    /// </summary>
    private const string FirstEpisodeSql =
        "1 + (SELECT COUNT(*) FROM handoffs h WHERE h.account_id = @AccountId AND h.conversation_id = @ConversationId AND h.dedup_key <> @handoffKey)";

    /// <summary>
    /// Records the handoff and enqueues its notification unless this open episode was notified already;
    /// true when a notification was enqueued. The caller commits and then signals the outbox.
    /// </summary>
    public async Task<bool> HandOffAsync(HandoffNotice notice, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var args = new { notice.AccountId, notice.ConversationId, now, handoffKey = notice.HandoffKey ?? "" };
        // Write first (a SQLite transaction that reads first may fail to upgrade its lock).
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO conversation_episodes (account_id, conversation_id, episode, notified, status, updated_at)
            SELECT @AccountId, @ConversationId, {FirstEpisodeSql}, 0, 'open', @now WHERE true
            ON CONFLICT (account_id, conversation_id) DO NOTHING
            """, args, transaction, cancellationToken: cancellationToken));
        var episode = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            UPDATE conversation_episodes SET notified = 1, status = 'open', updated_at = @now
            WHERE account_id = @AccountId AND conversation_id = @ConversationId AND notified = 0
            RETURNING episode
            """, args, transaction, cancellationToken: cancellationToken));
        if (episode is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE conversation_episodes SET status = 'open', updated_at = @now WHERE account_id = @AccountId AND conversation_id = @ConversationId",
                args, transaction, cancellationToken: cancellationToken));
            LogAlreadyNotified(notice.AccountId, notice.ConversationId, notice.Source);
            return false;
        }

        var handoffKey = notice.HandoffKey ?? $"{notice.Source}:{notice.AccountId}:{notice.ConversationId}:episode-{episode}";
        if (notice.HandoffKey is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO handoffs (dedup_key, account_id, conversation_id, provider_pubkey, contract_id, reason, source, created_at)
                VALUES (@handoffKey, @AccountId, @ConversationId, @ProviderPubkey, @ContractId, @Reason, @Source, @now)
                ON CONFLICT (dedup_key) DO NOTHING
                """,
                new { handoffKey, notice.AccountId, notice.ConversationId, notice.ProviderPubkey, notice.ContractId, notice.Reason, notice.Source, now },
                transaction, cancellationToken: cancellationToken));
        }

        if (notice.ProviderPubkey is null)
        {
            // docs/design.md: no provider, no notification; the handoff is recorded, logged and counted.
            metrics.HandoffUnnotified("no_provider");
            LogNobodyToNotify(notice.AccountId, notice.ConversationId);
            return false;
        }

        var job = new HandoffNotificationJob(handoffKey, notice.AccountId, notice.ConversationId, notice.ProviderPubkey, notice.ContractId, notice.Reason, now);
        return await queue.EnqueueAsync(new OutboxMessage(HandoffNotificationJob.Kind, DedupKey(notice.AccountId, notice.ConversationId, episode.Value),
            $"notify:{notice.AccountId}:{notice.ConversationId}", job.ToJson()), connection, transaction, cancellationToken);
    }

    /// <summary>
    /// The conversation left <c>open</c> (or moved between other statuses): the next handoff starts a new episode,
    /// and notifies again. <paramref name="handedBack"/>: the conversation is the bot's again (set pending after
    /// being something else, or resolved), so a person's earlier reply no longer keeps the bot quiet.
    /// </summary>
    public async Task LeftOpenAsync(long accountId, long conversationId, string status, bool handedBack, DbConnection connection, DbTransaction transaction,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var args = new { AccountId = accountId, ConversationId = conversationId, status, now, handoffKey = "", handedBack = handedBack ? 1L : 0L };
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE conversation_episodes SET episode = episode + CASE WHEN notified = 1 THEN 1 ELSE 0 END, notified = 0, status = @status, updated_at = @now,
                human_replied_at = CASE WHEN @handedBack = 1 THEN NULL ELSE human_replied_at END
            WHERE account_id = @AccountId AND conversation_id = @ConversationId
            """, args, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO conversation_episodes (account_id, conversation_id, episode, notified, status, updated_at)
                SELECT @AccountId, @ConversationId, {FirstEpisodeSql}, 0, @status, @now WHERE true
                ON CONFLICT (account_id, conversation_id) DO NOTHING
                """, args, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// Records the conversation's status without announcing anything: a conversation that is not the bot's moved
    /// (into <c>open</c>, say). Its episode is left as it was, so it is not taken for a handoff to notify later.
    /// </summary>
    public async Task RecordStatusAsync(long accountId, long conversationId, string status, DbConnection connection, DbTransaction transaction,
        CancellationToken cancellationToken)
    {
        var args = new { AccountId = accountId, ConversationId = conversationId, status, now = time.GetUtcNow().ToUnixTimeMilliseconds(), handoffKey = "" };
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO conversation_episodes (account_id, conversation_id, episode, notified, status, updated_at)
            SELECT @AccountId, @ConversationId, {FirstEpisodeSql}, 0, @status, @now WHERE true
            ON CONFLICT (account_id, conversation_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            """, args, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// A person (an agent: sender type <c>user</c>) posted a public message in the conversation. Chatwoot leaves a
    /// pending conversation pending (only Captain inboxes open it), so the bot stays quiet on its own account until
    /// the conversation is handed back (<see cref="LeftOpenAsync"/> with <c>handedBack</c>).
    /// </summary>
    public async Task PersonRepliedAsync(long accountId, long conversationId, string status, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO conversation_episodes (account_id, conversation_id, episode, notified, status, updated_at, human_replied_at)
            SELECT @AccountId, @ConversationId, {FirstEpisodeSql}, 0, @status, @now, @now WHERE true
            ON CONFLICT (account_id, conversation_id) DO UPDATE SET human_replied_at = COALESCE(conversation_episodes.human_replied_at, excluded.human_replied_at)
            """,
            new { AccountId = accountId, ConversationId = conversationId, status = string.IsNullOrEmpty(status) ? "pending" : status.ToLowerInvariant(), now, handoffKey = "" },
            cancellationToken: cancellationToken));
    }

    /// <summary>Whether a person replied in the conversation since it was last handed to the bot.</summary>
    public async Task<bool> PersonRepliedSinceHandedBackAsync(long accountId, long conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM conversation_episodes
            WHERE account_id = @accountId AND conversation_id = @conversationId AND human_replied_at IS NOT NULL
            """,
            new { accountId, conversationId }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The conversation's last status we know of, or null.</summary>
    public static Task<string?> LastStatusAsync(DbConnection connection, long accountId, long conversationId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT status FROM conversation_episodes WHERE account_id = @accountId AND conversation_id = @conversationId",
            new { accountId, conversationId }, cancellationToken: cancellationToken));

    public static string DedupKey(long accountId, long conversationId, long episode) => $"notify:{accountId}:{conversationId}:{episode}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {AccountId}/{ConversationId}: this open episode was notified already ({Source})")]
    private partial void LogAlreadyNotified(long accountId, long conversationId, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId} was handed off but no provider owns it: nobody is notified")]
    private partial void LogNobodyToNotify(long accountId, long conversationId);
}
