using System.Diagnostics.Metrics;

namespace SupportRelay.Operations;

/// <summary>
/// The service's own instruments, exported at <c>/metrics</c> by OpenTelemetry's Prometheus exporter.
/// Tags are low-cardinality words, never ids or text.
/// </summary>
public sealed class SupportRelayMetrics
{
    public const string MeterName = "SupportRelay";

    private readonly Counter<long> _webhooksReceived;
    private readonly Counter<long> _webhooksRejected;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _deliveriesFailed;
    private readonly Counter<long> _retrievalFallbacks;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _handoffsUnnotified;
    private readonly Counter<long> _reconcileRounds;
    private readonly Counter<long> _handoffsRecovered;
    private readonly Counter<long> _configurationErrors;
    private readonly Counter<long> _messagesRecovered;
    private readonly Histogram<double> _retrievalSeconds;
    private readonly Histogram<double> _answerSeconds;
    private long _inboxDepth;
    private long _outboxDepth;

    public SupportRelayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _webhooksReceived = meter.CreateCounter<long>("supportrelay.webhooks.received", description: "Webhooks accepted, by source and result (stored, duplicate, ignored)");
        _webhooksRejected = meter.CreateCounter<long>("supportrelay.webhooks.rejected", description: "Webhooks refused, by source and reason");
        _decisions = meter.CreateCounter<long>("supportrelay.bot.decisions", description: "Bot decisions, by outcome and reason");
        _deliveriesFailed = meter.CreateCounter<long>("supportrelay.deliveries.failed", description: "Outbound deliveries given up for good, by kind");
        _retrievalFallbacks = meter.CreateCounter<long>("supportrelay.retrieval.fallbacks", description: "Questions ranked by BM25 alone because embeddings failed, by reason (error, timeout, backoff, dimension_mismatch)");
        _notifications = meter.CreateCounter<long>("supportrelay.notifications", description: "Handoff notifications, by channel and result (sent, failed, fallback)");
        _handoffsUnnotified = meter.CreateCounter<long>("supportrelay.handoffs.unnotified", description: "Handoffs nobody could be notified of, by reason");
        _reconcileRounds = meter.CreateCounter<long>("supportrelay.reconcile.rounds", description: "Reconciliation rounds of open conversations, by result (ok, error, skipped)");
        _handoffsRecovered = meter.CreateCounter<long>("supportrelay.handoffs.recovered", description: "Handoffs whose status webhook was lost, notified by the reconciliation");
        _messagesRecovered = meter.CreateCounter<long>("supportrelay.messages.recovered", description: "Customer messages whose bot delivery failed (Chatwoot's keep_pending_on_bot_failure), handed to the bot by the reconciliation");
        _configurationErrors = meter.CreateCounter<long>("supportrelay.configuration.errors", description: "Work refused because a setting is wrong (ours or Chatwoot's), by problem; /readyz lists the problems known now");
        _retrievalSeconds = meter.CreateHistogram<double>("supportrelay.retrieval.duration", unit: "s", description: "Time to find the articles for a question");
        _answerSeconds = meter.CreateHistogram<double>("supportrelay.answer.duration", unit: "s", description: "Time to write an answer from the articles");
        meter.CreateObservableGauge("supportrelay.queue.depth", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _inboxDepth), new KeyValuePair<string, object?>("queue", "inbox")),
            new Measurement<long>(Interlocked.Read(ref _outboxDepth), new KeyValuePair<string, object?>("queue", "outbox")),
        }, description: "Items waiting in the webhook inbox and the outbox");
    }

    public void WebhookReceived(string source, string result) =>
        _webhooksReceived.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("result", result));

    public void WebhookRejected(string source, string reason) =>
        _webhooksRejected.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", reason));

    public void Decision(string outcome, string reason) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason));

    public void DeliveryFailed(string kind) => _deliveriesFailed.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void RetrievalFallback(string reason) => _retrievalFallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Notification(string channel, string result) =>
        _notifications.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", result));

    public void ReconcileRound(string result) => _reconcileRounds.Add(1, new KeyValuePair<string, object?>("result", result));

    public void HandoffRecovered() => _handoffsRecovered.Add(1);

    public void MissedMessageRecovered() => _messagesRecovered.Add(1);

    public void ConfigurationError(string problem) => _configurationErrors.Add(1, new KeyValuePair<string, object?>("problem", problem));

    public void HandoffUnnotified(string reason) => _handoffsUnnotified.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Retrieval(TimeSpan elapsed) => _retrievalSeconds.Record(elapsed.TotalSeconds);

    public void Answer(TimeSpan elapsed, bool model) => _answerSeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    public void QueueDepth(long inbox, long outbox)
    {
        Interlocked.Exchange(ref _inboxDepth, inbox);
        Interlocked.Exchange(ref _outboxDepth, outbox);
    }
}
