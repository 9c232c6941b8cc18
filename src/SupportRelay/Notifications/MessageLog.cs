using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>A handoff held back from its own notification by the hourly cap, to be listed in the digest.</summary>
public sealed record DeferredHandoff(long AccountId, long ConversationId, DateTimeOffset At);

/// <summary>
/// The <c>message_log</c> table: every message that costs the operator money or reaches someone who did not
/// ask for it, so the caps (<see cref="MessageBudget"/>, the hourly handoff cap) are counted in the database,
/// across restarts and replicas. Destinations are kept as a hash of channel and address.
/// </summary>
public sealed class MessageLog(SqlDialect dialect, TimeProvider time)
{
    public const string Test = "test";
    public const string Verification = "verification";
    public const string Handoff = "handoff";
    public const string Deferred = "handoff-deferred";

    public async Task RecordAsync(string providerPubkey, string purpose, NotificationChannel channel, string address,
        long? accountId, long? conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await RecordAsync(connection, null, providerPubkey, purpose, channel, address, accountId, conversationId, cancellationToken);
    }

    public Task RecordAsync(DbConnection connection, DbTransaction? transaction, string providerPubkey, string purpose, NotificationChannel channel,
        string address, long? accountId, long? conversationId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO message_log (provider_pubkey, purpose, channel, destination, account_id, conversation_id, created_at)
            VALUES (@providerPubkey, @purpose, @channel, @destination, @accountId, @conversationId, @now)
            """,
            new
            {
                providerPubkey,
                purpose,
                channel = channel.Name(),
                destination = DestinationKey(channel, address),
                accountId,
                conversationId,
                now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken: cancellationToken));

    /// <summary>How many messages of <paramref name="purposes"/> the provider caused since <paramref name="since"/>.</summary>
    public Task<long> CountForProviderAsync(DbConnection connection, DbTransaction? transaction, string providerPubkey, IReadOnlyList<string> purposes,
        DateTimeOffset since, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM message_log WHERE provider_pubkey = @providerPubkey AND purpose IN ({PurposeList(purposes)}) AND created_at >= @since",
            new { providerPubkey, since = since.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));

    public async Task<long> CountForProviderAsync(string providerPubkey, IReadOnlyList<string> purposes, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await CountForProviderAsync(connection, null, providerPubkey, purposes, since, cancellationToken);
    }

    /// <summary>How many messages of <paramref name="purposes"/> went to one destination, whoever caused them.</summary>
    public Task<long> CountForDestinationAsync(DbConnection connection, DbTransaction? transaction, NotificationChannel channel, string address,
        IReadOnlyList<string> purposes, DateTimeOffset since, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM message_log WHERE destination = @destination AND purpose IN ({PurposeList(purposes)}) AND created_at >= @since",
            new { destination = DestinationKey(channel, address), since = since.ToUnixTimeMilliseconds() }, transaction,
            cancellationToken: cancellationToken));

    /// <summary>How many messages of <paramref name="purposes"/> all providers together caused.</summary>
    public Task<long> CountAllAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<string> purposes, DateTimeOffset since,
        CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM message_log WHERE purpose IN ({PurposeList(purposes)}) AND created_at >= @since",
            new { since = since.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));

    /// <summary>The handoffs held back for the provider's digest in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<DeferredHandoff>> DeferredAsync(string providerPubkey, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long AccountId, long ConversationId, long CreatedAt)>(new CommandDefinition(
            """
            SELECT account_id, conversation_id, created_at FROM message_log
            WHERE provider_pubkey = @providerPubkey AND purpose = @purpose AND created_at >= @from AND created_at < @to
            ORDER BY created_at, id
            """,
            new { providerPubkey, purpose = Deferred, from = from.ToUnixTimeMilliseconds(), to = to.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new DeferredHandoff(r.AccountId, r.ConversationId, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt)))];
    }

    /// <summary>
    /// The purposes as SQL literals. Written into the statement rather than bound: Dapper expands a bound list for
    /// SQLite but passes it to Npgsql as one array, which <c>IN</c> does not take. Only our own constants pass.
    /// </summary>
    private static string PurposeList(IReadOnlyList<string> purposes) =>
        string.Join(", ", purposes.Select(p => p is Test or Verification or Handoff or Deferred
            ? $"'{p}'"
            : throw new ArgumentException($"'{p}' is not a message purpose.", nameof(purposes))));

    private static string DestinationKey(NotificationChannel channel, string address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel.Name() + "\n" + address.Trim().ToLowerInvariant())))[..32];
}
