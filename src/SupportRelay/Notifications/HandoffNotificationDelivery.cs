using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Delivery;
using SupportRelay.Operations;
using SupportRelay.Providers;
using SupportRelay.Storage;
using SupportRelay.Telegram;

namespace SupportRelay.Notifications;

/// <summary>
/// Sends one handoff notification from the outbox on the provider's channel, to a proven destination only.
/// Transient failures are retried by the outbox (Telegram's <c>retry_after</c> honoured); a permanent failure,
/// or the last attempt, fails the row with its reason and falls back to email when the provider proved an
/// address. Past <c>Notifications:MaxHandoffsPerProviderPerHour</c> a handoff is not sent on its own: it
/// waits for the hour's digest (<see cref="HandoffDigestDelivery"/>), so a flood of conversations is one message.
/// </summary>
public sealed partial class HandoffNotificationDelivery(
    ProviderStore providers,
    NotificationDispatcher dispatcher,
    HandoffSummary summaries,
    MessageLog log,
    TelegramLinkStore links,
    WorkQueue queue,
    WorkSignal signal,
    SqlDialect dialect,
    TimeProvider time,
    IOptionsMonitor<ChatwootOptions> chatwoot,
    IOptionsMonitor<NotificationsOptions> notifications,
    IOptionsMonitor<WorkerOptions> workers,
    SupportRelayMetrics metrics,
    ILogger<HandoffNotificationDelivery> logger) : DeliveryHandler<HandoffNotificationJob>(HandoffNotificationJob.FromJson)
{
    public override string Kind => HandoffNotificationJob.Kind;

    protected override async Task<WorkOutcome> DeliverAsync(WorkItem item, HandoffNotificationJob job, CancellationToken cancellationToken)
    {
        var config = await providers.GetConfigAsync(job.ProviderPubkey, cancellationToken);
        if (config is null)
        {
            metrics.HandoffUnnotified("no_config");
            LogNoConfig(job.AccountId, job.ConversationId, job.ProviderPubkey);
            return WorkOutcome.Fail("The provider has no notification config.");
        }

        var channel = NotificationChannels.Parse(job.Channel) ?? config.NotifyVia;
        if (job.FallbackFrom is null && item.Attempts == 1 && await OverHourlyCapAsync(job, config, channel, cancellationToken))
        {
            return WorkOutcome.Done;
        }

        if (!job.Summarized)
        {
            // Summarise once per notification: a retry (5xx, 429, a restart) must not pay for the model again,
            // nor send a different text. Saved before sending, so even a crash after the send keeps it.
            var words = await summaries.SummarizeAsync(job.AccountId, job.ConversationId, cancellationToken);
            job = job with { Summary = words?.Text, SummaryLabel = words?.Label, Summarized = true };
            await queue.SavePayloadAsync(item.Id, job.ToJson(), cancellationToken);
        }

        var address = config.AddressFor(channel);
        var result = await dispatcher.SendAsync(config.ProviderPubkey, channel, address, Content(job), cancellationToken);
        if (result.Accepted)
        {
            await MarkSentAsync(job, channel, address!, result, cancellationToken);
            metrics.Notification(channel.Name(), "sent");
            return WorkOutcome.Done;
        }

        var error = $"{channel.Name()}: {result.Error}";
        var lastAttempt = item.Attempts >= workers.CurrentValue.MaxAttempts;
        if (!result.Permanent && !lastAttempt)
        {
            return WorkOutcome.Retry(error, result.RetryAfter);
        }

        metrics.Notification(channel.Name(), "failed");
        if (channel != NotificationChannel.Email && config.NotifyEmail is not null && dispatcher.IsConfigured(NotificationChannel.Email))
        {
            var fallback = job with { Channel = NotificationChannel.Email.Name(), FallbackFrom = channel.Name() };
            await using var connection = await dialect.OpenAsync(cancellationToken);
            if (await queue.EnqueueAsync(new OutboxMessage(Kind, $"notify-email:{job.HandoffKey}", $"notify:{job.AccountId}:{job.ConversationId}:email", fallback.ToJson()),
                    connection, null, cancellationToken))
            {
                signal.Notify(WorkTable.Outbox);
                metrics.Notification(channel.Name(), "fallback");
                LogFallback(job.AccountId, job.ConversationId, channel.Name());
                error += " (falling back to email)";
            }
        }

        return WorkOutcome.Fail(error);
    }

    /// <summary>
    /// True when the provider already had its hourly share of notifications: the handoff is recorded for the
    /// digest of this hour (one row per window, due when it ends) instead of being sent now.
    /// </summary>
    private async Task<bool> OverHourlyCapAsync(HandoffNotificationJob job, NotificationConfig config, NotificationChannel channel, CancellationToken cancellationToken)
    {
        var cap = notifications.CurrentValue.MaxHandoffsPerProviderPerHour;
        var now = time.GetUtcNow();
        if (await log.CountForProviderAsync(job.ProviderPubkey, [MessageLog.Handoff], now.AddHours(-1), cancellationToken) < cap)
        {
            return false;
        }

        var hour = TimeSpan.FromHours(1).Ticks;
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % hour), TimeSpan.Zero);
        var windowEnd = windowStart.AddHours(1);
        var digest = new HandoffDigestJob(job.ProviderPubkey, windowStart.ToUnixTimeMilliseconds(), windowEnd.ToUnixTimeMilliseconds());
        await using (var connection = await dialect.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await log.RecordAsync(connection, transaction, job.ProviderPubkey, MessageLog.Deferred, channel, config.AddressFor(channel) ?? "",
                job.AccountId, job.ConversationId, cancellationToken);
            await queue.EnqueueAsync(new OutboxMessage(HandoffDigestJob.Kind, $"digest:{job.ProviderPubkey}:{digest.WindowStart}", null, digest.ToJson(), windowEnd),
                connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        metrics.Notification(channel.Name(), "deferred");
        LogDeferred(job.AccountId, job.ConversationId, job.ProviderPubkey, cap);
        return true;
    }

    private NotificationContent Content(HandoffNotificationJob job)
    {
        var lines = new List<string>();
        if (job.FallbackFrom is not null)
        {
            lines.Add($"(Sent by email because the {job.FallbackFrom} notification could not be delivered.)");
        }

        if (!string.IsNullOrWhiteSpace(job.ContractId))
        {
            lines.Add("Contract: " + job.ContractId);
        }

        lines.Add("Why: " + DescribeReason(job.Reason));
        if (job.Summary is null)
        {
            lines.Add("No customer message was received by the bot; open the conversation to read it.");
        }

        return new NotificationContent(
            $"Conversation #{job.ConversationId.ToString(CultureInfo.InvariantCulture)} needs a person",
            string.Join("\n", lines), DashboardLink(chatwoot.CurrentValue, job.AccountId, job.ConversationId), job.AccountId, job.ConversationId,
            job.Summary, job.SummaryLabel);
    }

    /// <summary><c>{PublicUrl}/app/accounts/{AccountId}/conversations/{id}</c>, or null when Chatwoot's address is not configured.</summary>
    public static Uri? DashboardLink(ChatwootOptions options, long accountId, long conversationId) =>
        options.EffectivePublicUrl is { } publicUrl
            ? new Uri(publicUrl.ToString().TrimEnd('/') + $"/app/accounts/{accountId}/conversations/{conversationId}")
            : null;

    private static string DescribeReason(string reason) => reason switch
    {
        "customer_request" => "the customer asked for a person",
        "person_only" => "the customer asked for what only a person can do",
        "low_confidence" => "the Help Center does not answer the question",
        "not_answered" or "no_articles" => "the Help Center articles do not answer the question",
        "status_changed" => "the conversation was opened for an agent in Chatwoot",
        "attachment" => "the customer sent an attachment, which the bot cannot read",
        "unsafe_answer" => "the bot's answer held a link or contact detail its articles do not, and was not posted",
        "help_center_host_refused" => "the bot cannot read the Help Center: Chatwoot refuses the host SupportRelay presents (a configuration error, see /readyz)",
        "help_center_portal_unknown" => "the bot cannot read the Help Center: Chatwoot knows no such portal, or it is archived (a configuration error, see /readyz)",
        "help_center_unavailable" => "the bot could not read the Help Center",
        var llm when llm.StartsWith("llm_", StringComparison.Ordinal) => "the bot could not write an answer",
        var other => other.Replace('_', ' '),
    };

    private async Task MarkSentAsync(HandoffNotificationJob job, NotificationChannel channel, string address, NotificationResult result, CancellationToken cancellationToken)
    {
        if (channel == NotificationChannel.Telegram && result.MessageId is { } messageId)
        {
            await links.RecordAsync(new TelegramMessageLink(long.Parse(address, CultureInfo.InvariantCulture), messageId, job.AccountId, job.ConversationId, job.ProviderPubkey),
                cancellationToken);
        }

        await log.RecordAsync(job.ProviderPubkey, MessageLog.Handoff, channel, address, job.AccountId, job.ConversationId, cancellationToken);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE handoffs SET notified_at = @now WHERE dedup_key = @HandoffKey AND notified_at IS NULL",
            new { job.HandoffKey, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: provider {Provider} has no notification config; nobody is notified")]
    private partial void LogNoConfig(long accountId, long conversationId, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: the {Channel} notification failed for good; falling back to email")]
    private partial void LogFallback(long accountId, long conversationId, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: provider {Provider} had {Cap} notifications in the last hour; this handoff waits for the hour's digest")]
    private partial void LogDeferred(long accountId, long conversationId, string provider, int cap);
}
