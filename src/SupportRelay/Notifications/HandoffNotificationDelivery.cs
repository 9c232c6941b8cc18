using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Delivery;
using SupportRelay.Operations;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>
/// Sends one handoff notification from the outbox on the provider's channel. Transient failures are
/// retried by the outbox (Telegram's <c>retry_after</c> honoured); a permanent failure, or the last
/// attempt, fails the row with its reason and falls back to email when the provider gave an address.
/// </summary>
public sealed partial class HandoffNotificationDelivery(
    ProviderStore providers,
    NotificationDispatcher dispatcher,
    HandoffSummary summaries,
    WorkQueue queue,
    WorkSignal signal,
    SqlDialect dialect,
    TimeProvider time,
    IOptionsMonitor<ChatwootOptions> chatwoot,
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

        if (job.Summary is null)
        {
            // Summarise once per notification: a retry (5xx, 429, a restart) must not pay for the model again,
            // nor send a different text. Saved before sending, so even a crash after the send keeps it.
            job = job with { Summary = await summaries.SummarizeAsync(job.AccountId, job.ConversationId, cancellationToken) };
            await queue.SavePayloadAsync(item.Id, job.ToJson(), cancellationToken);
        }

        var channel = ProviderStore.ParseChannel(job.Channel) ?? config.NotifyVia;
        var channelName = ProviderStore.ChannelName(channel);
        var content = Content(job);
        var result = await dispatcher.SendAsync(config, channel, content, cancellationToken);
        if (result.Accepted)
        {
            await MarkNotifiedAsync(job, cancellationToken);
            metrics.Notification(channelName, "sent");
            return WorkOutcome.Done;
        }

        var error = $"{channelName}: {result.Error}";
        var lastAttempt = item.Attempts >= workers.CurrentValue.MaxAttempts;
        if (!result.Permanent && !lastAttempt)
        {
            return WorkOutcome.Retry(error, result.RetryAfter);
        }

        metrics.Notification(channelName, "failed");
        if (channel != NotificationChannel.Email && !string.IsNullOrWhiteSpace(config.NotifyEmail) && dispatcher.IsConfigured(NotificationChannel.Email))
        {
            var fallback = job with { Channel = ProviderStore.ChannelName(NotificationChannel.Email), FallbackFrom = channelName };
            await using var connection = await dialect.OpenAsync(cancellationToken);
            if (await queue.EnqueueAsync(new OutboxMessage(Kind, $"notify-email:{job.HandoffKey}", $"notify:{job.AccountId}:{job.ConversationId}:email", fallback.ToJson()),
                    connection, null, cancellationToken))
            {
                signal.Notify(WorkTable.Outbox);
                metrics.Notification(channelName, "fallback");
                LogFallback(job.AccountId, job.ConversationId, channelName);
                error += " (falling back to email)";
            }
        }

        return WorkOutcome.Fail(error);
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
        lines.Add("");
        lines.Add(job.Summary ?? "");
        var link = DashboardLink(chatwoot.CurrentValue, job.AccountId, job.ConversationId);
        return new NotificationContent(
            $"Conversation #{job.ConversationId.ToString(CultureInfo.InvariantCulture)} needs a person",
            string.Join("\n", lines), link, job.AccountId, job.ConversationId);
    }

    /// <summary><c>{PublicUrl}/app/accounts/{AccountId}/conversations/{id}</c>, or null when Chatwoot's address is not configured.</summary>
    public static Uri? DashboardLink(ChatwootOptions options, long accountId, long conversationId) =>
        options.EffectivePublicUrl is { } publicUrl
            ? new Uri(publicUrl.ToString().TrimEnd('/') + $"/app/accounts/{accountId}/conversations/{conversationId}")
            : null;

    private static string DescribeReason(string reason) => reason switch
    {
        "customer_request" => "the customer asked for a person",
        "low_confidence" => "the Help Center does not answer the question",
        "not_answered" or "no_articles" => "the Help Center articles do not answer the question",
        "status_changed" => "the conversation was opened for an agent in Chatwoot",
        "attachment" => "the customer sent an attachment, which the bot cannot read",
        var llm when llm.StartsWith("llm_", StringComparison.Ordinal) => "the bot could not write an answer",
        var other => other.Replace('_', ' '),
    };

    private async Task MarkNotifiedAsync(HandoffNotificationJob job, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE handoffs SET notified_at = @now WHERE dedup_key = @HandoffKey AND notified_at IS NULL",
            new { job.HandoffKey, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: provider {Provider} has no notification config; nobody is notified")]
    private partial void LogNoConfig(long accountId, long conversationId, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {AccountId}/{ConversationId}: the {Channel} notification failed for good; falling back to email")]
    private partial void LogFallback(long accountId, long conversationId, string channel);
}
