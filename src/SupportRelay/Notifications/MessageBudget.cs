using Microsoft.Extensions.Options;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>Which cap a message met, and when to try again.</summary>
public sealed record BudgetRefusal(string Limit, TimeSpan RetryAfter);

/// <summary>
/// The caps on messages a provider's API calls cause (test notifications, verification codes, chat
/// confirmations): per provider, per destination and for everyone together, counted in <see cref="MessageLog"/>
/// so a restart or another replica resets nothing. A message is recorded and counted in one transaction;
/// concurrent calls may pass one or two messages over a cap, never more than the per-key rate limit allows.
/// </summary>
public sealed class MessageBudget(SqlDialect dialect, MessageLog log, TimeProvider time, IOptionsMonitor<ProviderApiOptions> options)
{
    private static readonly string[] ApiCaused = [MessageLog.Test, MessageLog.Verification];

    /// <summary>Records the message and returns null when every cap allows it; otherwise records nothing and says which cap.</summary>
    public async Task<BudgetRefusal?> TrySpendAsync(string providerPubkey, string purpose, NotificationChannel channel, string address,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await log.RecordAsync(connection, transaction, providerPubkey, purpose, channel, address, null, null, cancellationToken);

        BudgetRefusal? refusal = null;
        if (purpose == MessageLog.Test
            && await log.CountForProviderAsync(connection, transaction, providerPubkey, [MessageLog.Test], now.AddHours(-1), cancellationToken) > settings.NotificationTestsPerHour)
        {
            refusal = new BudgetRefusal($"at most {settings.NotificationTestsPerHour} test notifications per provider per hour", TimeSpan.FromHours(1));
        }
        else if (purpose == MessageLog.Verification
                 && await log.CountForProviderAsync(connection, transaction, providerPubkey, [MessageLog.Verification], now.AddHours(-1), cancellationToken)
                 > settings.MessagesPerDestinationPerDay * 2)
        {
            // However many destinations a provider names, codes to strangers stay few.
            refusal = new BudgetRefusal($"at most {settings.MessagesPerDestinationPerDay * 2} verification messages per provider per hour", TimeSpan.FromHours(1));
        }
        else if (await log.CountForDestinationAsync(connection, transaction, channel, address, ApiCaused, now.AddDays(-1), cancellationToken) > settings.MessagesPerDestinationPerDay)
        {
            refusal = new BudgetRefusal($"at most {settings.MessagesPerDestinationPerDay} verification and test messages per destination per day", TimeSpan.FromDays(1));
        }
        else if (await log.CountAllAsync(connection, transaction, ApiCaused, now.AddHours(-1), cancellationToken) > settings.MessagesPerHour)
        {
            refusal = new BudgetRefusal($"at most {settings.MessagesPerHour} verification and test messages per hour for all providers", TimeSpan.FromHours(1));
        }

        if (refusal is null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        return refusal;
    }
}
