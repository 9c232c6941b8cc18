using Dapper;
using SupportRelay.Storage;

namespace SupportRelay.Providers;

/// <summary>
/// Remembers each (public key, nonce) until its request could no longer pass the time window, in the
/// database so a replay is refused across restarts and replicas.
/// </summary>
public sealed partial class NonceStore(SqlDialect dialect, TimeProvider time, ILogger<NonceStore> logger)
{
    // Expired rows are harmless (the insert below reuses them) but accumulate; purging on a timer
    // from the request path keeps the table small without a background service.
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);
    private long _nextPurgeAt;

    /// <summary>True when the nonce is new (and now remembered until <paramref name="expiresAt"/>); false for a replay.</summary>
    public async Task<bool> TryRememberAsync(string publicKey, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        // A row left over from an expired window does not count as a replay: the update takes it over.
        var stored = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO request_nonces (public_key, nonce, expires_at) VALUES (@publicKey, @nonce, @expiresAt)
            ON CONFLICT (public_key, nonce) DO UPDATE SET expires_at = excluded.expires_at
            WHERE request_nonces.expires_at < @now
            """,
            new { publicKey, nonce, expiresAt = expiresAt.ToUnixTimeMilliseconds(), now }, cancellationToken: cancellationToken));

        var nextPurge = Interlocked.Read(ref _nextPurgeAt);
        if (now >= nextPurge && Interlocked.CompareExchange(ref _nextPurgeAt, now + (long)PurgeInterval.TotalMilliseconds, nextPurge) == nextPurge)
        {
            var purged = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM request_nonces WHERE expires_at < @now", new { now }, cancellationToken: cancellationToken));
            if (purged > 0)
            {
                LogPurged(purged);
            }
        }

        return stored > 0;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged {Count} expired request nonces")]
    private partial void LogPurged(int count);
}
