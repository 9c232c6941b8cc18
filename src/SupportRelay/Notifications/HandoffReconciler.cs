using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Bot;
using SupportRelay.Chatwoot;
using SupportRelay.Inbox;
using SupportRelay.Operations;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>
/// What one reconciliation round did: open conversations listed, those with recent activity, handoffs notified;
/// and <see cref="Missed"/>, pending conversations whose last customer message was handed to the bot late.
/// </summary>
public sealed record ReconcileResult(int Listed, int Recent, int Recovered)
{
    public int Missed { get; init; }
}

/// <summary>
/// The safety net under the status webhooks: Chatwoot never retries an account webhook, so a
/// <c>conversation_status_changed</c> lost while we were down or unreachable would lose its
/// notification. Every <c>Notifications:ReconcileInterval</c> one replica lists the account's open
/// conversations (user token), keeps those with activity inside <c>Notifications:ReconcileWindow</c>,
/// and hands each one whose open episode was not notified to <see cref="HandoffNotifier"/>, exactly as
/// the webhook would have. The episode rule makes this idempotent: a webhook that arrives late, a
/// second replica or the next round finds the episode notified.
/// <para>
/// It also lists the pending conversations: with Chatwoot's account setting <c>keep_pending_on_bot_failure</c>
/// (4.11.0+, #13512) a failed bot delivery leaves the conversation pending and nothing is redelivered, so the
/// customer waits for an answer that never comes. A pending conversation of the bot's whose last message is
/// the customer's, at least <see cref="MissedMessageAge"/> old and without a decision, gets that message stored
/// as the <c>message_created</c> event the bot never received (under the key a delivery without id would have),
/// and the bot answers or hands off as it would have.
/// </para>
/// </summary>
public sealed partial class HandoffReconciler(
    ChatwootClient client,
    HandoffNotifier notifier,
    ProviderResolver providers,
    ConversationStore conversations,
    InboxStore inbox,
    WorkSignal signal,
    SqlDialect dialect,
    ReplicaIdentity replica,
    TimeProvider time,
    IOptionsMonitor<NotificationsOptions> options,
    IOptionsMonitor<ChatwootOptions> chatwoot,
    IOptions<WorkerOptions> workers,
    SupportRelayMetrics metrics,
    ILogger<HandoffReconciler> logger) : BackgroundService
{
    public const string RoundName = "notifications.reconcile";
    private const string Source = "reconcile";

    /// <summary>
    /// How old a customer's message must be before it counts as missed: Chatwoot delivers in seconds, and its last
    /// retry of a bot delivery (3 attempts 3 s apart, 5 s each) is over well within a minute.
    /// </summary>
    public static readonly TimeSpan MissedMessageAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// On when the interval is positive, a user token, the account id and Chatwoot's address are configured, and
    /// this replica does background work (<c>Workers:Enabled</c>).
    /// </summary>
    public bool IsEnabled => options.CurrentValue.ReconcileInterval > TimeSpan.Zero
        && workers.Value.Enabled
        && !string.IsNullOrEmpty(chatwoot.CurrentValue.ApiAccessToken)
        && chatwoot.CurrentValue.AccountId is not null
        && chatwoot.CurrentValue.BaseUrl is not null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsEnabled)
        {
            LogOff();
            return;
        }

        var interval = options.CurrentValue.ReconcileInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            // The first round waits one interval: at start the webhook intake catches up first.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunClaimedRoundAsync(interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunClaimedRoundAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            // Replicas sharing the database take turns; the slack keeps timer drift from skipping rounds.
            if (!await TryClaimRoundAsync(interval * 0.8, stoppingToken))
            {
                metrics.ReconcileRound("skipped");
                return;
            }

            await RunRoundAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            metrics.ReconcileRound("error");
            LogDatabaseFailed(ex);
        }
    }

    /// <summary>
    /// Claims this round for this replica unless another one ran a round less than <paramref name="minimumGap"/>
    /// ago. A failed round still counts: the next one comes an interval later anyway.
    /// </summary>
    public async Task<bool> TryClaimRoundAsync(TimeSpan minimumGap, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO scheduled_runs (name, last_run_at, run_by) VALUES (@name, 0, '') ON CONFLICT (name) DO NOTHING",
            new { name = RoundName }, cancellationToken: cancellationToken));
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE scheduled_runs SET last_run_at = @now, run_by = @owner WHERE name = @name AND last_run_at <= @latest",
            new { name = RoundName, now, owner = replica.Id, latest = now - (long)minimumGap.TotalMilliseconds }, cancellationToken: cancellationToken));
        return claimed > 0;
    }

    /// <summary>One round, whoever else ran one. Chatwoot's failures are logged and counted, never thrown.</summary>
    public async Task<ReconcileResult> RunRoundAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (chatwoot.CurrentValue.AccountId is not { } accountId || string.IsNullOrEmpty(chatwoot.CurrentValue.ApiAccessToken))
        {
            return new ReconcileResult(0, 0, 0);
        }

        var started = time.GetUtcNow();
        var since = started - settings.ReconcileWindow;
        int listed = 0, recent = 0, recovered = 0, missed = 0;
        try
        {
            await ForEachRecentAsync(accountId, HandoffNotifier.OpenStatus, since, settings.ReconcileMaxPages, async conversation =>
            {
                listed++;
                if (conversation.Status != HandoffNotifier.OpenStatus || conversation.LastActivityAt < since)
                {
                    return;
                }

                recent++;
                if (await RecoverAsync(accountId, conversation, started, cancellationToken))
                {
                    recovered++;
                }
            }, cancellationToken);
            await ForEachRecentAsync(accountId, "pending", since, settings.ReconcileMaxPages, async conversation =>
            {
                if (conversation.Status == "pending" && conversation.LastActivityAt >= since
                    && await AnswerMissedAsync(accountId, conversation, started, cancellationToken))
                {
                    missed++;
                }
            }, cancellationToken);
        }
        catch (ChatwootException ex)
        {
            metrics.ReconcileRound("error");
            LogChatwootFailed(ex.Status is { } status ? (int)status : 0, ex.Message);
            return new ReconcileResult(listed, recent, recovered) { Missed = missed };
        }

        metrics.ReconcileRound("ok");
        LogRound(listed, recent, recovered, missed);
        return new ReconcileResult(listed, recent, recovered) { Missed = missed };
    }

    /// <summary>
    /// Every conversation of <paramref name="status"/> Chatwoot lists, page by page, until a page is empty, the pages
    /// run out or one reaches activity older than <paramref name="since"/> (listed most recent first, the next pages are
    /// older still). The older ones are handed over too; a conversation without a timestamp is checked anyway.
    /// </summary>
    private async Task ForEachRecentAsync(long accountId, string status, DateTimeOffset since, int maxPages, Func<ChatwootConversationSummary, Task> handle,
        CancellationToken cancellationToken)
    {
        for (var page = 1; page <= maxPages; page++)
        {
            var listed = await client.ListConversationsAsync(accountId, status, page, cancellationToken);
            if (listed.Count == 0)
            {
                return;
            }

            foreach (var conversation in listed)
            {
                await handle(conversation);
            }

            if (listed.Any(c => c.LastActivityAt < since))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Hands the bot the customer's last message of a pending conversation when the bot never had it; true when it
    /// was stored for the inbox worker. Not when a person replied since the conversation was the bot's, when the
    /// bot decided on it, when its event waits in the inbox, or when the conversation is not the bot's.
    /// </summary>
    private async Task<bool> AnswerMissedAsync(long accountId, ChatwootConversationSummary conversation, DateTimeOffset listedAt, CancellationToken cancellationToken)
    {
        if (conversation.LastMessage is not { Type: MessageType.Incoming, Private: false } message
            || message.CreatedAt is not { } created || listedAt - created < MissedMessageAge)
        {
            return false;
        }

        var orderingKey = $"chatwoot:{accountId.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{conversation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        await using (var connection = await dialect.OpenAsync(cancellationToken))
        {
            var known = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                SELECT (SELECT COUNT(*) FROM bot_decisions WHERE account_id = @accountId AND conversation_id = @conversationId AND message_id = @messageId)
                     + (SELECT COUNT(*) FROM webhook_inbox WHERE ordering_key = @orderingKey AND state = 'pending')
                """,
                new { accountId, conversationId = conversation.Id, messageId = message.Id, orderingKey }, cancellationToken: cancellationToken));
            if (known > 0)
            {
                return false;
            }
        }

        if (!await conversations.IsTheBotsAsync(accountId, conversation.Id, conversation.InboxId, cancellationToken)
            || await notifier.PersonRepliedSinceHandedBackAsync(accountId, conversation.Id, cancellationToken))
        {
            return false;
        }

        bool stored;
        try
        {
            // "message_created:{id}" is the key of a delivery without id: the same message, however it comes, is one event.
            stored = await inbox.StoreAsync(Chatwoot.ChatwootWebhookEndpoints.Source, $"message_created:{message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                MessageCreatedHandler.EventType, orderingKey, MissedEvent(accountId, conversation, message), cancellationToken);
        }
        catch (IntakeUnavailableException ex)
        {
            LogMissedNotStored(accountId, conversation.Id, ex.Message);
            return false;
        }

        if (stored)
        {
            metrics.MissedMessageRecovered();
            LogMissed(accountId, conversation.Id, message.Id);
        }

        return stored;
    }

    /// <summary>
    /// The <c>message_created</c> event Chatwoot would have sent the bot, from the list's shapes: the message's fields
    /// (<c>push_event_data</c>, <c>message_type</c> as a number), its conversation as listed (whose <c>messages</c> holds
    /// the raw text), and the account.
    /// </summary>
    private static string MissedEvent(long accountId, ChatwootConversationSummary conversation, ListedMessage message)
    {
        var body = JsonNode.Parse(message.Json.GetRawText())!.AsObject();
        body.Remove("conversation");
        body["account"] = new JsonObject { ["id"] = accountId };
        body["conversation"] = JsonNode.Parse(conversation.Listed.ValueKind == JsonValueKind.Object ? conversation.Listed.GetRawText() : "{}");
        body["conversation"]!["id"] = conversation.Id;
        body["conversation"]!["status"] = "pending";
        body["message_type"] = "incoming";
        body["event"] = "message_created";
        return body.ToJsonString();
    }

    /// <summary>Notifies the conversation's open episode unless it was notified; true when a notification was queued.</summary>
    private async Task<bool> RecoverAsync(long accountId, ChatwootConversationSummary conversation, DateTimeOffset listedAt, CancellationToken cancellationToken)
    {
        var args = new { accountId, conversationId = conversation.Id };
        await using (var connection = await dialect.OpenAsync(cancellationToken))
        {
            var episode = await connection.QuerySingleOrDefaultAsync<(string Status, long Notified, long UpdatedAt)?>(new CommandDefinition(
                "SELECT status, notified, updated_at FROM conversation_episodes WHERE account_id = @accountId AND conversation_id = @conversationId",
                args, cancellationToken: cancellationToken));
            if (episode is { Status: HandoffNotifier.OpenStatus, Notified: 1 })
            {
                return false;
            }

            if (episode is { } known && known.UpdatedAt > listedAt.ToUnixTimeMilliseconds())
            {
                // A webhook told us about this conversation after Chatwoot listed it: that news is fresher.
                return false;
            }

        }

        // The rule the status webhook follows: a conversation the bot never saw, in an inbox it does not serve (an
        // inbox without the bot, or one older than our history), was never ours to announce.
        if (!await conversations.IsTheBotsAsync(accountId, conversation.Id, conversation.InboxId, cancellationToken))
        {
            return false;
        }

        var owner = await providers.ResolveAsync(conversation.ProviderPubkey, conversation.ContractId, cancellationToken);
        bool enqueued;
        await using (var connection = await dialect.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            enqueued = await notifier.HandOffAsync(
                new HandoffNotice(accountId, conversation.Id, owner.ProviderPubkey, owner.ContractId, "status_changed", Source),
                connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (enqueued)
        {
            signal.Notify(WorkTable.Outbox);
            metrics.HandoffRecovered();
            LogRecovered(accountId, conversation.Id);
        }

        return enqueued;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation is off (Notifications:ReconcileInterval is zero, or Chatwoot:ApiAccessToken, Chatwoot:AccountId or Chatwoot:BaseUrl is not set, or Workers:Enabled is false)")]
    private partial void LogOff();

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {AccountId}/{ConversationId} is open but its handoff was never notified (lost webhook); notification queued")]
    private partial void LogRecovered(long accountId, long conversationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconciliation: {Listed} open conversations listed, {Recent} with recent activity, {Recovered} notified, {Missed} missed customer messages handed to the bot")]
    private partial void LogRound(int listed, int recent, int recovered, int missed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {AccountId}/{ConversationId} is pending and its customer message {MessageId} never reached the bot (a failed delivery Chatwoot kept pending); handed to the bot now")]
    private partial void LogMissed(long accountId, long conversationId, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: the missed customer message could not be stored ({Error}); the next round tries again")]
    private partial void LogMissedNotStored(long accountId, long conversationId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation could not list the open conversations (HTTP {Status}): {Error}; the next round tries again")]
    private partial void LogChatwootFailed(int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation failed on the database; the next round tries again")]
    private partial void LogDatabaseFailed(Exception exception);
}
