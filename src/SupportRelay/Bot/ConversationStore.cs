using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Answering;
using SupportRelay.Storage;

namespace SupportRelay.Bot;

/// <summary>
/// Each conversation's recent messages, kept from the webhooks we receive: the bot token cannot list
/// a conversation's messages, and follow-up questions need them.
/// </summary>
public sealed class ConversationStore(SqlDialect dialect, TimeProvider time, IOptionsMonitor<BotOptions> options)
{
    public const string Customer = "customer";
    public const string Bot = "assistant";
    public const string Agent = "agent";

    /// <summary>
    /// A message as the history keeps it (for follow-ups, the provider's summary, and finding our own
    /// message's echo): its text, or that it had attachments; null when it has neither.
    /// </summary>
    public static string? HistoryText(string? content, int attachments) => (content, attachments) switch
    {
        _ when !string.IsNullOrWhiteSpace(content) => content,
        (_, 1) => "[an attachment]",
        (_, > 1) => $"[{attachments.ToString(System.Globalization.CultureInfo.InvariantCulture)} attachments]",
        _ => null,
    };

    /// <param name="inboxId">The message's inbox, when the event names it: the inboxes the bot serves are those it heard from.</param>
    public async Task RecordAsync(long accountId, long conversationId, long messageId, string role, string content, long? inboxId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO conversation_messages (account_id, conversation_id, message_id, role, content, created_at, inbox_id)
            VALUES (@accountId, @conversationId, @messageId, @role, @content, @now, @inboxId)
            ON CONFLICT (account_id, conversation_id, message_id) DO NOTHING
            """,
            new { accountId, conversationId, messageId, role, content, now = time.GetUtcNow().ToUnixTimeMilliseconds(), inboxId },
            cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Whether a conversation is the bot's to speak for (to announce its handoff, to answer a message it missed):
    /// one SupportRelay has seen (a message that reached the bot, a decision), or one in an inbox the bot serves
    /// (<c>Bot:InboxIds</c> when set, else an inbox whose messages reached the bot). An account webhook reports
    /// every inbox of the account; with <c>Bot:DefaultProviderPubkey</c> set, an inbox that has nothing to do with
    /// the bot would otherwise notify the default provider of all its conversations.
    /// </summary>
    public async Task<bool> IsTheBotsAsync(long accountId, long conversationId, long? inboxId, CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue.InboxIds;
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM conversation_messages WHERE account_id = @accountId AND conversation_id = @conversationId)
                OR EXISTS (SELECT 1 FROM bot_decisions WHERE account_id = @accountId AND conversation_id = @conversationId)
                OR (@learn = 1 AND EXISTS (SELECT 1 FROM conversation_messages WHERE account_id = @accountId AND inbox_id = @inboxId))
                THEN 1 ELSE 0 END
            """,
            new { accountId, conversationId, inboxId, learn = configured.Count == 0 && inboxId is not null ? 1L : 0L },
            cancellationToken: cancellationToken)) == 1
            || (inboxId is { } inbox && configured.Contains(inbox));
    }

    /// <summary>Whether the bot's own message with this history text arrived (as its echo) at or after <paramref name="since"/> (Unix ms).</summary>
    public async Task<bool> HasOwnMessageSinceAsync(long accountId, long conversationId, string content, long since, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM conversation_messages
            WHERE account_id = @accountId AND conversation_id = @conversationId AND role = 'assistant'
              AND content = @content AND created_at >= @since
            """,
            new { accountId, conversationId, content, since }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The last <paramref name="count"/> messages before <paramref name="beforeMessageId"/>, oldest first.</summary>
    /// <summary>True when the customer wrote a message after <paramref name="messageId"/> in the conversation.</summary>
    public async Task<bool> CustomerWroteAfterAsync(long accountId, long conversationId, long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM conversation_messages
            WHERE account_id = @accountId AND conversation_id = @conversationId AND message_id > @messageId AND role = @role
            """,
            new { accountId, conversationId, messageId, role = Customer }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>
    /// The customer's messages up to <paramref name="messageId"/> that nobody has answered yet: those after the last
    /// message of the bot or an agent, and after the last the bot decided on; at most <paramref name="max"/>, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<(long MessageId, string Content)>> UnansweredAsync(long accountId, long conversationId, long messageId, int max,
        CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long MessageId, string Content)>(new CommandDefinition(
            """
            SELECT message_id, content FROM conversation_messages m
            WHERE m.account_id = @accountId AND m.conversation_id = @conversationId AND m.role = @role AND m.message_id <= @messageId
              AND m.message_id > COALESCE((SELECT MAX(o.message_id) FROM conversation_messages o
                  WHERE o.account_id = @accountId AND o.conversation_id = @conversationId AND o.role <> @role AND o.message_id < @messageId), 0)
              AND m.message_id > COALESCE((SELECT MAX(d.message_id) FROM bot_decisions d
                  WHERE d.account_id = @accountId AND d.conversation_id = @conversationId AND d.message_id < @messageId), 0)
            ORDER BY m.message_id DESC
            LIMIT @max
            """,
            new { accountId, conversationId, messageId, role = Customer, max }, cancellationToken: cancellationToken));
        return rows.Reverse().ToList();
    }

    /// <summary>True for the text <see cref="HistoryText"/> records for a message of attachments only.</summary>
    public static bool IsAttachmentsOnly(string content) =>
        content == "[an attachment]" || (content.StartsWith('[') && content.EndsWith(" attachments]", StringComparison.Ordinal) && content.Length < 24);

    public async Task<IReadOnlyList<HistoryMessage>> RecentAsync(long accountId, long conversationId, long beforeMessageId, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Role, string Content)>(new CommandDefinition(
            """
            SELECT role, content FROM conversation_messages
            WHERE account_id = @accountId AND conversation_id = @conversationId AND message_id < @beforeMessageId
            ORDER BY message_id DESC
            LIMIT @count
            """,
            new { accountId, conversationId, beforeMessageId, count }, cancellationToken: cancellationToken));
        return rows.Reverse().Select(r => new HistoryMessage(r.Role, r.Content)).ToList();
    }
}
