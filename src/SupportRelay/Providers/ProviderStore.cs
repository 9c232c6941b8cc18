using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Storage;

namespace SupportRelay.Providers;

/// <summary>How redeeming a Telegram link code ended.</summary>
public enum TelegramLinkOutcome
{
    Linked,
    UnknownCode,
    Expired,
    AlreadyUsed,
}

/// <summary>The outcome, and the provider whose chat is now linked when <see cref="Outcome"/> is Linked.</summary>
public sealed record TelegramLinkResult(TelegramLinkOutcome Outcome, string? ProviderPubkey);

/// <summary>A contract id mapped to the provider who serves it.</summary>
public sealed record Contract(string ContractId, string ProviderPubkey, DateTimeOffset UpdatedAt);

/// <summary>A provider the operator enrolled, and how (<c>admin</c>, <c>contract</c> or <c>configuration</c>).</summary>
public sealed record EnrolledProvider(string PublicKey, DateTimeOffset EnrolledAt, string EnrolledBy);

/// <summary>
/// The providers' tables: providers (enrolment), notification configs, Telegram link codes and contracts.
/// A provider exists because the operator enrolled it; nothing is stored for a key that is not enrolled.
/// </summary>
public sealed class ProviderStore(SqlDialect dialect, DestinationStore destinations, TimeProvider time, IOptionsMonitor<ProviderApiOptions> options)
{
    public const string EnrolledByAdmin = "admin";
    public const string EnrolledByContract = "contract";
    public const string EnrolledByConfiguration = "configuration";

    /// <summary>True when the operator enrolled the key, in the database or in <c>ProviderApi:EnrolledProviders</c>.</summary>
    public async Task<bool> IsEnrolledAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        if (IsEnrolledByConfiguration(providerPubkey))
        {
            return true;
        }

        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM providers WHERE pubkey = @providerPubkey AND enrolled_at IS NOT NULL",
            new { providerPubkey }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Enrols the key; true when it was not enrolled before.</summary>
    public async Task<(EnrolledProvider Provider, bool Created)> EnrolAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = await EnrolAsync(connection, transaction, providerPubkey, EnrolledByAdmin, cancellationToken);
        var provider = await connection.QuerySingleAsync<(long EnrolledAt, string EnrolledBy)>(new CommandDefinition(
            "SELECT enrolled_at, enrolled_by FROM providers WHERE pubkey = @providerPubkey",
            new { providerPubkey }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (new EnrolledProvider(providerPubkey, DateTimeOffset.FromUnixTimeMilliseconds(provider.EnrolledAt), provider.EnrolledBy), created);
    }

    /// <summary>The enrolled providers, those of the configuration included, by key.</summary>
    public async Task<IReadOnlyList<EnrolledProvider>> ListEnrolledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Pubkey, long EnrolledAt, string EnrolledBy)>(new CommandDefinition(
            "SELECT pubkey, enrolled_at, enrolled_by FROM providers WHERE enrolled_at IS NOT NULL ORDER BY pubkey",
            cancellationToken: cancellationToken));
        var listed = rows.Select(r => new EnrolledProvider(r.Pubkey, DateTimeOffset.FromUnixTimeMilliseconds(r.EnrolledAt), r.EnrolledBy)).ToList();
        listed.AddRange(ConfiguredKeys().Where(k => listed.All(p => p.PublicKey != k))
            .Select(k => new EnrolledProvider(k, DateTimeOffset.UnixEpoch, EnrolledByConfiguration)));
        return [.. listed.OrderBy(p => p.PublicKey, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Removes the provider and everything of it (config, destinations, link codes, contracts); false when it
    /// was not enrolled in the database. A key enrolled by configuration stays enrolled until it leaves the list.
    /// </summary>
    public async Task<bool> UnenrolAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM providers WHERE pubkey = @providerPubkey AND enrolled_at IS NOT NULL",
            new { providerPubkey }, transaction, cancellationToken: cancellationToken)) > 0;
        foreach (var sql in new[]
        {
            "DELETE FROM notification_configs WHERE provider_pubkey = @providerPubkey",
            "DELETE FROM telegram_link_codes WHERE provider_pubkey = @providerPubkey",
            "DELETE FROM contracts WHERE provider_pubkey = @providerPubkey",
        })
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, new { providerPubkey }, transaction, cancellationToken: cancellationToken));
        }

        await destinations.DeleteAllAsync(connection, transaction, providerPubkey, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    /// <summary>The portal the provider configured, or null.</summary>
    public async Task<string?> GetPortalSlugAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT chatwoot_portal_slug FROM notification_configs WHERE provider_pubkey = @providerPubkey",
            new { providerPubkey }, cancellationToken: cancellationToken));
    }

    /// <summary>True when <paramref name="chatId"/> is the provider's configured Telegram chat and was proven in the chat.</summary>
    public async Task<bool> IsProvenChatAsync(string providerPubkey, long chatId, CancellationToken cancellationToken)
    {
        var config = await GetConfigAsync(providerPubkey, cancellationToken);
        return config?.TelegramChatId == chatId
            && await destinations.IsProvenAsync(providerPubkey, NotificationChannel.Telegram, chatId.ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    private bool IsEnrolledByConfiguration(string providerPubkey) => ConfiguredKeys().Contains(providerPubkey, StringComparer.Ordinal);

    private IEnumerable<string> ConfiguredKeys() => options.CurrentValue.EnrolledProviders.Select(k => k.Trim().ToLowerInvariant());

    /// <summary>Enrols the key in the caller's transaction (a row created before enrolment existed is taken over); true when new.</summary>
    private Task<bool> EnrolAsync(DbConnection connection, DbTransaction transaction, string providerPubkey, string by, CancellationToken cancellationToken) =>
        EnrolCoreAsync(connection, transaction, providerPubkey, by, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);

    private static async Task<bool> EnrolCoreAsync(DbConnection connection, DbTransaction transaction, string providerPubkey, string by, long now, CancellationToken cancellationToken)
    {
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE providers SET enrolled_at = @now, enrolled_by = @by WHERE pubkey = @providerPubkey AND enrolled_at IS NULL",
            new { providerPubkey, by, now }, transaction, cancellationToken: cancellationToken));
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO providers (pubkey, created_at, enrolled_at, enrolled_by) VALUES (@providerPubkey, @now, @now, @by) ON CONFLICT (pubkey) DO NOTHING",
            new { providerPubkey, by, now }, transaction, cancellationToken: cancellationToken));
        return updated + inserted > 0;
    }

    public async Task<NotificationConfig?> GetConfigAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await GetConfigAsync(connection, null, providerPubkey, cancellationToken);
    }

    /// <summary>
    /// Creates or replaces the (enrolled) provider's config, and records each destination it names, unproven
    /// when new. A Telegram config without a chat id keeps the chat already configured, or else the chat the
    /// provider linked last; null when there is neither.
    /// </summary>
    public async Task<NotificationConfig?> SaveConfigAsync(
        string providerPubkey, string? portalSlug, NotificationChannel notifyVia, long? telegramChatId,
        string? notifyPhone, string? notifyEmail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (notifyVia == NotificationChannel.Telegram && telegramChatId is null)
        {
            telegramChatId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT telegram_chat_id FROM notification_configs WHERE provider_pubkey = @providerPubkey",
                new { providerPubkey }, transaction, cancellationToken: cancellationToken))
                ?? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    """
                    SELECT chat_id FROM telegram_link_codes
                    WHERE provider_pubkey = @providerPubkey AND used_at IS NOT NULL AND chat_id IS NOT NULL
                    ORDER BY used_at DESC LIMIT 1
                    """,
                    new { providerPubkey }, transaction, cancellationToken: cancellationToken));
            if (telegramChatId is null)
            {
                return null;
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO notification_configs (provider_pubkey, chatwoot_portal_slug, notify_via, telegram_chat_id, notify_phone, notify_email, updated_at)
            VALUES (@providerPubkey, @portalSlug, @notifyVia, @telegramChatId, @notifyPhone, @notifyEmail, @now)
            ON CONFLICT (provider_pubkey) DO UPDATE SET
                chatwoot_portal_slug = excluded.chatwoot_portal_slug, notify_via = excluded.notify_via,
                telegram_chat_id = excluded.telegram_chat_id, notify_phone = excluded.notify_phone,
                notify_email = excluded.notify_email, updated_at = excluded.updated_at
            """,
            new
            {
                providerPubkey,
                portalSlug,
                notifyVia = notifyVia.Name(),
                telegramChatId,
                notifyPhone,
                notifyEmail,
                now = now.ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken: cancellationToken));
        var saved = await GetConfigAsync(connection, transaction, providerPubkey, cancellationToken);
        foreach (var (channel, address) in saved!.Destinations())
        {
            await destinations.AddAsync(connection, transaction, providerPubkey, channel, address, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>Stores a one-time code that links a Telegram chat to the (enrolled) provider.</summary>
    public async Task CreateTelegramLinkCodeAsync(string providerPubkey, string code, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Unused codes a day past their expiry are only clutter; redeemed ones stay, they record the linked chat.
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM telegram_link_codes WHERE used_at IS NULL AND expires_at < @before",
            new { before = (now - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO telegram_link_codes (code, provider_pubkey, created_at, expires_at) VALUES (@code, @providerPubkey, @now, @expiresAt)",
            new { code, providerPubkey, now = now.ToUnixTimeMilliseconds(), expiresAt = expiresAt.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Redeems a link code from <c>/start {code}</c> in <paramref name="chatId"/>: the code is spent, and
    /// the chat becomes the provider's Telegram chat, proven (in the config when there is one, and for the next
    /// Telegram config saved without a chat id). Redeeming again from the same chat answers Linked, so a
    /// redelivered Telegram update is harmless.
    /// </summary>
    public async Task<TelegramLinkResult> LinkTelegramChatAsync(string code, long chatId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var provider = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            UPDATE telegram_link_codes SET used_at = @now, chat_id = @chatId
            WHERE code = @code AND used_at IS NULL AND expires_at > @now
            RETURNING provider_pubkey
            """,
            new { code, chatId, now }, transaction, cancellationToken: cancellationToken));
        if (provider is null)
        {
            var existing = await connection.QuerySingleOrDefaultAsync<LinkCodeRow>(new CommandDefinition(
                "SELECT provider_pubkey AS ProviderPubkey, expires_at AS ExpiresAt, used_at AS UsedAt, chat_id AS ChatId FROM telegram_link_codes WHERE code = @code",
                new { code }, transaction, cancellationToken: cancellationToken));
            await transaction.RollbackAsync(cancellationToken);
            return existing switch
            {
                null => new(TelegramLinkOutcome.UnknownCode, null),
                { UsedAt: not null } when existing.ChatId == chatId => new(TelegramLinkOutcome.Linked, existing.ProviderPubkey),
                { UsedAt: not null } => new(TelegramLinkOutcome.AlreadyUsed, null),
                _ => new(TelegramLinkOutcome.Expired, null),
            };
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE notification_configs SET telegram_chat_id = @chatId, updated_at = @now WHERE provider_pubkey = @provider",
            new { chatId, now, provider }, transaction, cancellationToken: cancellationToken));
        await destinations.MarkVerifiedAsync(connection, transaction, provider, NotificationChannel.Telegram,
            chatId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(TelegramLinkOutcome.Linked, provider);
    }

    /// <summary>Maps the contract to the provider, enrolling the provider; true when the mapping is new.</summary>
    public async Task<(Contract Contract, bool Created)> SaveContractAsync(string contractId, string providerPubkey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Write first: a SQLite transaction that reads before it writes can fail to upgrade its lock.
        var replaced = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE contracts SET provider_pubkey = @providerPubkey, updated_at = @now WHERE contract_id = @contractId",
            new { contractId, providerPubkey, now = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken)) > 0;
        if (!replaced)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO contracts (contract_id, provider_pubkey, updated_at) VALUES (@contractId, @providerPubkey, @now)
                ON CONFLICT (contract_id) DO UPDATE SET provider_pubkey = excluded.provider_pubkey, updated_at = excluded.updated_at
                """,
                new { contractId, providerPubkey, now = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        }

        await EnrolAsync(connection, transaction, providerPubkey, EnrolledByContract, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (new Contract(contractId, providerPubkey, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds())), !replaced);
    }

    public async Task<bool> DeleteContractAsync(string contractId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM contracts WHERE contract_id = @contractId", new { contractId }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The provider serving the contract, for the bot's provider resolution.</summary>
    public async Task<string?> FindContractProviderAsync(string contractId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT provider_pubkey FROM contracts WHERE contract_id = @contractId", new { contractId }, cancellationToken: cancellationToken));
    }

    private static async Task<NotificationConfig?> GetConfigAsync(DbConnection connection, DbTransaction? transaction, string providerPubkey, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<ConfigRow>(new CommandDefinition(
            """
            SELECT provider_pubkey AS ProviderPubkey, chatwoot_portal_slug AS ChatwootPortalSlug, notify_via AS NotifyVia,
                   telegram_chat_id AS TelegramChatId, notify_phone AS NotifyPhone, notify_email AS NotifyEmail, updated_at AS UpdatedAt
            FROM notification_configs WHERE provider_pubkey = @providerPubkey
            """,
            new { providerPubkey }, transaction, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new NotificationConfig(row.ProviderPubkey, row.ChatwootPortalSlug,
                NotificationChannels.Parse(row.NotifyVia) ?? throw new InvalidOperationException($"Stored notify_via '{row.NotifyVia}' is not a channel."),
                row.TelegramChatId, row.NotifyPhone, row.NotifyEmail, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt));
    }

    private sealed class ConfigRow
    {
        public string ProviderPubkey { get; set; } = "";
        public string? ChatwootPortalSlug { get; set; }
        public string NotifyVia { get; set; } = "";
        public long? TelegramChatId { get; set; }
        public string? NotifyPhone { get; set; }
        public string? NotifyEmail { get; set; }
        public long UpdatedAt { get; set; }
    }

    private sealed class LinkCodeRow
    {
        public string ProviderPubkey { get; set; } = "";
        public long ExpiresAt { get; set; }
        public long? UsedAt { get; set; }
        public long? ChatId { get; set; }
    }
}
