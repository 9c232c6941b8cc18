using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Options;

namespace SupportRelay.Storage;

/// <summary>The <c>Retention</c> configuration section: how long finished work and history are kept.</summary>
public sealed class RetentionOptions : IValidatableObject
{
    public const string SectionName = "Retention";

    /// <summary>Processed webhooks and sent or failed deliveries. Chatwoot and Telegram redeliver within minutes, so a week covers deduplication.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan FinishedWork { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Conversation messages kept for follow-up questions (they hold what customers wrote).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan ConversationMessages { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Bot decisions, kept for analytics (they hold the customers' questions).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Decisions { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// Which notification a Telegram reply answers. After this, a reply to an older notification gets the
    /// "reply to a notification" hint, like a reply to anything else.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan TelegramLinks { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// A conversation's episode record once it left <c>open</c> and nothing happened to it since. At least
    /// <see cref="TelegramLinks"/>: the bridge reads it to refuse replies to resolved conversations.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan ClosedEpisodes { get; set; } = TimeSpan.FromDays(180);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClosedEpisodes < TelegramLinks)
        {
            yield return new ValidationResult(
                "Retention:ClosedEpisodes must be at least Retention:TelegramLinks: a reply to a kept notification must still see that its conversation was resolved.",
                [nameof(ClosedEpisodes)]);
        }
    }
}

/// <summary>
/// Deletes what has served its purpose: finished inbox and outbox rows, old conversation messages and
/// old decisions, old Telegram reply links and the episode records of conversations closed long ago, so
/// the database does not grow without end and customers' words are not kept forever. Pending and
/// failed-but-recent work is never touched. Safe on several replicas: deletes are idempotent.
/// </summary>
/// <remarks>
/// Forgetting a closed episode is safe: an open one is never deleted (it is what keeps the webhook that
/// follows our own handoff from notifying twice), and a conversation whose record was deleted starts its
/// next episode after the number of handoffs it ever had (see <c>HandoffNotifier</c>), so the outbox and
/// handoff keys of the new episode cannot collide with those of the forgotten ones.
/// </remarks>
public sealed partial class Housekeeping(SqlDialect dialect, TimeProvider time, IOptionsMonitor<RetentionOptions> options, ILogger<Housekeeping> logger)
    : BackgroundService
{
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        long Before(TimeSpan age) => (now - age).ToUnixTimeMilliseconds();

        await using var connection = await dialect.OpenAsync(cancellationToken);
        var deleted = 0L;
        foreach (var (sql, before) in new (string Sql, long Before)[]
        {
            ("DELETE FROM webhook_inbox WHERE state IN ('done', 'failed') AND received_at < @before", Before(settings.FinishedWork)),
            ("DELETE FROM outbox WHERE state IN ('sent', 'failed') AND created_at < @before", Before(settings.FinishedWork)),
            ("DELETE FROM conversation_messages WHERE created_at < @before", Before(settings.ConversationMessages)),
            ("DELETE FROM bot_decisions WHERE created_at < @before", Before(settings.Decisions)),
            ("DELETE FROM telegram_message_links WHERE created_at < @before", Before(settings.TelegramLinks)),
            ("DELETE FROM conversation_episodes WHERE status <> 'open' AND updated_at < @before", Before(settings.ClosedEpisodes)),
            // The longest cap counts one day back.
            ("DELETE FROM message_log WHERE created_at < @before", Before(TimeSpan.FromDays(2))),
            ("DELETE FROM health_probes WHERE probed_at < @before", Before(TimeSpan.FromDays(1))),
            ("DELETE FROM webhook_signatures WHERE expires_at < @before", Before(TimeSpan.Zero)),
        })
        {
            deleted += await connection.ExecuteAsync(new CommandDefinition(sql, new { before }, cancellationToken: cancellationToken));
        }

        if (deleted > 0)
        {
            LogDeleted(deleted);
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first round comes one interval after start, not during it.
        using var timer = new PeriodicTimer(options.CurrentValue.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (System.Data.Common.DbException ex)
                {
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Housekeeping deleted {Count} expired rows")]
    private partial void LogDeleted(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Housekeeping failed; it will try again")]
    private partial void LogFailed(Exception exception);
}
