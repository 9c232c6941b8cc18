using System.Data.Common;
using Dapper;
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

/// <summary>The providers' tables: providers, notification configs, Telegram link codes and contracts.</summary>
public sealed class ProviderStore(SqlDialect dialect, TimeProvider time)
{
    public async Task<NotificationConfig?> GetConfigAsync(string providerPubkey, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await GetConfigAsync(connection, null, providerPubkey, cancellationToken);
    }

    /// <summary>
    /// Creates or replaces the provider's config, registering the provider on its first save. A
    /// Telegram config without a chat id keeps the chat already configured, or else the chat the
    /// provider linked last; null when there is neither.
    /// </summary>
    public async Task<NotificationConfig?> SaveConfigAsync(
        string providerPubkey, string? portalSlug, NotificationChannel notifyVia, long? telegramChatId,
        string? notifyPhone, string? notifyEmail, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureProviderAsync(connection, transaction, providerPubkey, now, cancellationToken);

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
                notifyVia = ChannelName(notifyVia),
                telegramChatId,
                notifyPhone,
                notifyEmail,
                now = now.ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken: cancellationToken));
        var saved = await GetConfigAsync(connection, transaction, providerPubkey, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>Stores a one-time code that links a Telegram chat to the provider, registering the provider.</summary>
    public async Task CreateTelegramLinkCodeAsync(string providerPubkey, string code, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureProviderAsync(connection, transaction, providerPubkey, now, cancellationToken);
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
    /// the chat becomes the provider's Telegram chat (in the config when there is one, and for the next
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
        await transaction.CommitAsync(cancellationToken);
        return new(TelegramLinkOutcome.Linked, provider);
    }

    /// <summary>Maps the contract to the provider; true when the mapping is new.</summary>
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

    public static string ChannelName(NotificationChannel channel) => channel switch
    {
        NotificationChannel.Telegram => "telegram",
        NotificationChannel.Sms => "sms",
        NotificationChannel.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static NotificationChannel? ParseChannel(string? name) => name switch
    {
        "telegram" => NotificationChannel.Telegram,
        "sms" => NotificationChannel.Sms,
        "email" => NotificationChannel.Email,
        _ => null,
    };

    private static async Task EnsureProviderAsync(DbConnection connection, DbTransaction transaction, string providerPubkey, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO providers (pubkey, created_at) VALUES (@providerPubkey, @now) ON CONFLICT (pubkey) DO NOTHING",
            new { providerPubkey, now = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));

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
                ParseChannel(row.NotifyVia) ?? throw new InvalidOperationException($"Stored notify_via '{row.NotifyVia}' is not a channel."),
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
