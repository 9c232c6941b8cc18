using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Bot;
using SupportRelay.Chatwoot;
using SupportRelay.Operations;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>What one reconciliation round did.</summary>
public sealed record ReconcileResult(int Listed, int Recent, int Recovered);

/// <summary>
/// The safety net under the status webhooks: Chatwoot never retries an account webhook, so a
/// <c>conversation_status_changed</c> lost while we were down or unreachable would lose its
/// notification. Every <c>Notifications:ReconcileInterval</c> one replica lists the account's open
/// conversations (user token), keeps those with activity inside <c>Notifications:ReconcileWindow</c>,
/// and hands each one whose open episode was not notified to <see cref="HandoffNotifier"/>, exactly as
/// the webhook would have. The episode rule makes this idempotent: a webhook that arrives late, a
/// second replica or the next round finds the episode notified.
/// </summary>
public sealed partial class HandoffReconciler(
    ChatwootClient client,
    HandoffNotifier notifier,
    ProviderResolver providers,
    ConversationStore conversations,
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
        int listed = 0, recent = 0, recovered = 0;
        try
        {
            for (var page = 1; page <= settings.ReconcileMaxPages; page++)
            {
                var conversations = await client.ListOpenConversationsAsync(accountId, page, cancellationToken);
                if (conversations.Count == 0)
                {
                    break;
                }

                listed += conversations.Count;
                var reachedOlder = false;
                foreach (var conversation in conversations)
                {
                    // Without a timestamp a conversation is checked anyway: the episode rule makes it harmless.
                    if (conversation.LastActivityAt is { } activity && activity < since)
                    {
                        reachedOlder = true;
                        continue;
                    }

                    if (conversation.Status != HandoffNotifier.OpenStatus)
                    {
                        continue;
                    }

                    recent++;
                    if (await RecoverAsync(accountId, conversation, started, cancellationToken))
                    {
                        recovered++;
                    }
                }

                // Listed most recent activity first: past the window, the next pages are older still.
                if (reachedOlder)
                {
                    break;
                }
            }
        }
        catch (ChatwootException ex)
        {
            metrics.ReconcileRound("error");
            LogChatwootFailed(ex.Status is { } status ? (int)status : 0, ex.Message);
            return new ReconcileResult(listed, recent, recovered);
        }

        metrics.ReconcileRound("ok");
        LogRound(listed, recent, recovered);
        return new ReconcileResult(listed, recent, recovered);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reconciliation: {Listed} open conversations listed, {Recent} with recent activity, {Recovered} notified")]
    private partial void LogRound(int listed, int recent, int recovered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation could not list the open conversations (HTTP {Status}): {Error}; the next round tries again")]
    private partial void LogChatwootFailed(int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation failed on the database; the next round tries again")]
    private partial void LogDatabaseFailed(Exception exception);
}
