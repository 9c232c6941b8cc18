using System.Data.Common;
using Dapper;
using SupportRelay.Notifications;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Telegram;

/// <summary>A notification message in a chat, and the conversation it is about.</summary>
public sealed record TelegramMessageLink(long ChatId, long MessageId, long AccountId, long ConversationId, string ProviderPubkey);

/// <summary>Whether a chat may act on a conversation, and if not, why.</summary>
public enum ChatPermission
{
    Allowed,

    /// <summary>The message is not one of our notifications in this chat.</summary>
    UnknownMessage,

    /// <summary>The chat is no longer the linked chat of the provider the notification went to.</summary>
    ChatNotLinked,

    /// <summary>The conversation was handed to another provider since.</summary>
    NotTheirs,

    /// <summary>The conversation is resolved.</summary>
    Resolved,
}

/// <summary>
/// Routes Telegram replies and buttons: by (chat id, message id), never the message id alone (it is
/// unique per chat only), and only for the provider who owns the conversation, from their linked chat.
/// </summary>
public sealed class TelegramLinkStore(SqlDialect dialect, ProviderStore providers, TimeProvider time)
{
    /// <summary>Records that a notification about the conversation was sent as this message of this chat.</summary>
    public async Task RecordAsync(TelegramMessageLink link, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO telegram_message_links (chat_id, message_id, account_id, conversation_id, provider_pubkey, created_at)
            VALUES (@ChatId, @MessageId, @AccountId, @ConversationId, @ProviderPubkey, @now)
            ON CONFLICT (chat_id, message_id) DO NOTHING
            """,
            new { link.ChatId, link.MessageId, link.AccountId, link.ConversationId, link.ProviderPubkey, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task<(ChatPermission Permission, TelegramMessageLink? Link)> CheckAsync(long chatId, long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var link = await connection.QuerySingleOrDefaultAsync<TelegramMessageLink>(new CommandDefinition(
            """
            SELECT chat_id AS ChatId, message_id AS MessageId, account_id AS AccountId, conversation_id AS ConversationId, provider_pubkey AS ProviderPubkey
            FROM telegram_message_links WHERE chat_id = @chatId AND message_id = @messageId
            """,
            new { chatId, messageId }, cancellationToken: cancellationToken));
        if (link is null)
        {
            return (ChatPermission.UnknownMessage, null);
        }

        return (await PermissionAsync(connection, link, cancellationToken), link);
    }

    private async Task<ChatPermission> PermissionAsync(DbConnection connection, TelegramMessageLink link, CancellationToken cancellationToken)
    {
        // The provider's configured chat, proven in the chat: a chat another provider merely named is not theirs.
        if (!await providers.IsProvenChatAsync(link.ProviderPubkey, link.ChatId, cancellationToken))
        {
            return ChatPermission.ChatNotLinked;
        }

        var owner = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            SELECT provider_pubkey FROM handoffs
            WHERE account_id = @AccountId AND conversation_id = @ConversationId AND provider_pubkey IS NOT NULL
            ORDER BY created_at DESC, id DESC LIMIT 1
            """,
            new { link.AccountId, link.ConversationId }, cancellationToken: cancellationToken));
        if (owner is not null && !string.Equals(owner, link.ProviderPubkey, StringComparison.Ordinal))
        {
            return ChatPermission.NotTheirs;
        }

        var status = await HandoffNotifier.LastStatusAsync(connection, link.AccountId, link.ConversationId, cancellationToken);
        return status == "resolved" ? ChatPermission.Resolved : ChatPermission.Allowed;
    }
}
