using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Storage;

namespace SupportRelay.Providers;

/// <summary>How checking a verification code ended.</summary>
public enum CodeCheck
{
    Verified,
    AlreadyVerified,
    WrongCode,
    Expired,
    NoCodeSent,
    TooManyAttempts,
}

/// <summary>A verification code issued for a destination; <see cref="LinkToken"/> goes in the e-mail's link or the chat's button.</summary>
public sealed record IssuedCode(string Code, string LinkToken, DateTimeOffset ExpiresAt);

/// <summary>
/// The <c>provider_destinations</c> table: which Telegram chats, phone numbers and e-mail addresses each
/// provider has proven. A code is six digits, kept only as a hash, valid for
/// <see cref="ProviderApiOptions.VerificationLifetime"/> and for <see cref="ProviderApiOptions.MaxCodeAttempts"/>
/// wrong guesses; a link token (the e-mail's link, the chat's "Link this chat" button) is 128 random bits.
/// With <see cref="ProviderApiOptions.VerifyDestinations"/> off, phones and addresses count as proven (the
/// operator vouches for every provider); a Telegram chat is always confirmed in the chat.
/// </summary>
public sealed class DestinationStore(SqlDialect dialect, TimeProvider time, IOptionsMonitor<ProviderApiOptions> options)
{
    private const string Columns = """
        provider_pubkey AS ProviderPubkey, channel AS Channel, address AS Address, verified_at AS VerifiedAt,
        code_sent_at AS CodeSentAt, code_expires_at AS CodeExpiresAt
        """;

    public async Task<IReadOnlyList<Destination>> ListAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM provider_destinations WHERE provider_pubkey = @providerPubkey ORDER BY channel, address",
            new { providerPubkey }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDestination())];
    }

    public async Task<Destination?> GetAsync(string providerPubkey, NotificationChannel channel, string address, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM provider_destinations WHERE provider_pubkey = @providerPubkey AND channel = @channel AND address = @address",
            new { providerPubkey, channel = channel.Name(), address }, cancellationToken: cancellationToken));
        return row?.ToDestination();
    }

    /// <summary>True when something other than a verification message may be sent to the destination.</summary>
    public async Task<bool> IsProvenAsync(string providerPubkey, NotificationChannel channel, string address, CancellationToken cancellationToken)
    {
        if (channel != NotificationChannel.Telegram && !options.CurrentValue.VerifyDestinations)
        {
            return true;
        }

        return (await GetAsync(providerPubkey, channel, address, cancellationToken))?.IsVerified == true;
    }

    /// <summary>True when some provider proved this destination (a chat linked to anyone is not a stranger's).</summary>
    public async Task<bool> IsProvenAnywhereAsync(NotificationChannel channel, string address, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM provider_destinations WHERE channel = @channel AND address = @address AND verified_at IS NOT NULL",
            new { channel = channel.Name(), address }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>
    /// Records that the provider named <paramref name="address"/> for <paramref name="channel"/>, unproven, in the
    /// caller's transaction; true when it is new. A destination already known keeps its state.
    /// </summary>
    public async Task<bool> AddAsync(DbConnection connection, DbTransaction transaction, string providerPubkey, NotificationChannel channel,
        string address, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO provider_destinations (provider_pubkey, channel, address, created_at)
            VALUES (@providerPubkey, @channel, @address, @now)
            ON CONFLICT (provider_pubkey, channel, address) DO NOTHING
            """,
            new { providerPubkey, channel = channel.Name(), address, now = Now() }, transaction, cancellationToken: cancellationToken)) > 0;

    /// <summary>Marks the destination proven (a <c>/start</c> code redeemed in the chat), creating it when needed, in the caller's transaction.</summary>
    public Task MarkVerifiedAsync(DbConnection connection, DbTransaction transaction, string providerPubkey, NotificationChannel channel,
        string address, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO provider_destinations (provider_pubkey, channel, address, created_at, verified_at)
            VALUES (@providerPubkey, @channel, @address, @now, @now)
            ON CONFLICT (provider_pubkey, channel, address) DO UPDATE SET
                verified_at = COALESCE(provider_destinations.verified_at, excluded.verified_at),
                code_hash = NULL, link_hash = NULL, code_expires_at = NULL
            """,
            new { providerPubkey, channel = channel.Name(), address, now = Now() }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// A new code (and link token) for an unproven destination, replacing any earlier one; null when the
    /// destination is unknown or already proven.
    /// </summary>
    public async Task<IssuedCode?> IssueCodeAsync(string providerPubkey, NotificationChannel channel, string address, CancellationToken cancellationToken)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((now + options.CurrentValue.VerificationLifetime).ToUnixTimeMilliseconds());
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE provider_destinations
            SET code_hash = @codeHash, link_hash = @linkHash, code_expires_at = @expiresAt, code_attempts = 0, code_sent_at = @now
            WHERE provider_pubkey = @providerPubkey AND channel = @channel AND address = @address AND verified_at IS NULL
            """,
            new
            {
                providerPubkey,
                channel = channel.Name(),
                address,
                codeHash = CodeHash(providerPubkey, channel, address, code),
                linkHash = TokenHash(token),
                expiresAt = expiresAt.ToUnixTimeMilliseconds(),
                now = now.ToUnixTimeMilliseconds(),
            }, cancellationToken: cancellationToken));
        return updated > 0 ? new IssuedCode(code, token, expiresAt) : null;
    }

    /// <summary>Checks a code the provider typed; each wrong guess counts, and past the limit the code is spent.</summary>
    public async Task<CodeCheck> CheckCodeAsync(string providerPubkey, NotificationChannel channel, string address, string code, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var args = new { providerPubkey, channel = channel.Name(), address, now, max = options.CurrentValue.MaxCodeAttempts };
        // Count the attempt first (a SQLite transaction should write before it reads), then judge it.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE provider_destinations SET code_attempts = code_attempts + 1
            WHERE provider_pubkey = @providerPubkey AND channel = @channel AND address = @address AND code_hash IS NOT NULL
            """, args, transaction, cancellationToken: cancellationToken));
        var row = await connection.QuerySingleOrDefaultAsync<(string? CodeHash, long? ExpiresAt, long Attempts, long? VerifiedAt)?>(new CommandDefinition(
            """
            SELECT code_hash, code_expires_at, code_attempts, verified_at FROM provider_destinations
            WHERE provider_pubkey = @providerPubkey AND channel = @channel AND address = @address
            """, args, transaction, cancellationToken: cancellationToken));
        CodeCheck result;
        if (row is not { } found || (found.CodeHash is null && found.VerifiedAt is null))
        {
            result = CodeCheck.NoCodeSent;
        }
        else if (found.VerifiedAt is not null)
        {
            result = CodeCheck.AlreadyVerified;
        }
        else if (found.Attempts > options.CurrentValue.MaxCodeAttempts)
        {
            result = CodeCheck.TooManyAttempts;
        }
        else if (found.ExpiresAt < now)
        {
            result = CodeCheck.Expired;
        }
        else
        {
            var given = Encoding.ASCII.GetBytes(CodeHash(providerPubkey, channel, address, code));
            result = CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(found.CodeHash!)) ? CodeCheck.Verified : CodeCheck.WrongCode;
        }

        if (result == CodeCheck.Verified)
        {
            await MarkVerifiedAsync(connection, transaction, providerPubkey, channel, address, cancellationToken);
        }
        else if (result == CodeCheck.TooManyAttempts)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE provider_destinations SET code_hash = NULL, link_hash = NULL WHERE provider_pubkey = @providerPubkey AND channel = @channel AND address = @address",
                args, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Proves the destination whose link token this is (the e-mail's link, the chat's button); for a chat,
    /// only from that chat (<paramref name="fromAddress"/>). Returns the destination, or null when the token is
    /// unknown, spent, expired, or pressed elsewhere.
    /// </summary>
    public async Task<Destination?> RedeemLinkAsync(string token, NotificationChannel channel, string? fromAddress, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"""
            UPDATE provider_destinations SET verified_at = @now, code_hash = NULL, link_hash = NULL, code_expires_at = NULL
            WHERE link_hash = @linkHash AND channel = @channel AND verified_at IS NULL AND code_expires_at >= @now
              AND (@fromAddress IS NULL OR address = @fromAddress)
            RETURNING {Columns}
            """,
            new { linkHash = TokenHash(token), channel = channel.Name(), fromAddress, now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return row?.ToDestination();
    }

    /// <summary>Forgets every destination of the provider (it is no longer enrolled), in the caller's transaction.</summary>
    public Task DeleteAllAsync(DbConnection connection, DbTransaction transaction, string providerPubkey, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM provider_destinations WHERE provider_pubkey = @providerPubkey",
            new { providerPubkey }, transaction, cancellationToken: cancellationToken));

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    // The destination is part of the hash: a code issued for one address proves nothing about another.
    private static string CodeHash(string provider, NotificationChannel channel, string address, string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{provider}\n{channel.Name()}\n{address}\n{code.Trim()}")));

    private static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private sealed class Row
    {
        public string ProviderPubkey { get; set; } = "";

        public string Channel { get; set; } = "";

        public string Address { get; set; } = "";

        public long? VerifiedAt { get; set; }

        public long? CodeSentAt { get; set; }

        public long? CodeExpiresAt { get; set; }

        public Destination ToDestination() => new(ProviderPubkey,
            NotificationChannels.Parse(Channel) ?? throw new InvalidOperationException($"Stored channel '{Channel}' is not a channel."),
            Address, At(VerifiedAt), At(CodeSentAt), At(CodeExpiresAt));

        private static DateTimeOffset? At(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
    }
}
