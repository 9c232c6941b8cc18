using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportRelay.Bot;
using SupportRelay.Chatwoot;
using SupportRelay.Inbox;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>
/// Chatwoot's conversation events (<c>conversation_status_changed</c>, <c>conversation_updated</c> whose
/// <c>changed_attributes</c> show a status change, <c>conversation_opened</c>, <c>conversation_resolved</c>):
/// a move into <c>open</c> hands the conversation to a person and notifies its provider once per open
/// episode, when the conversation is the bot's (<see cref="ConversationStore.IsTheBotsAsync"/>); a move out of
/// <c>open</c> ends the episode.
/// </summary>
public sealed partial class ConversationEventHandler(
    HandoffNotifier notifier,
    ProviderResolver providers,
    ConversationStore conversations,
    WorkQueue queue,
    WorkSignal signal,
    SqlDialect dialect,
    IOptionsMonitor<ChatwootOptions> chatwoot,
    ILogger<ConversationEventHandler> logger) : IInboxHandler
{
    public bool Handles(string eventType) => eventType is "chatwoot.conversation_status_changed" or "chatwoot.conversation_updated"
        or "chatwoot.conversation_opened" or "chatwoot.conversation_resolved";

    public async Task<WorkOutcome> HandleAsync(WorkItem item, CancellationToken cancellationToken)
    {
        ChatwootConversationEvent conversation;
        try
        {
            using var document = JsonDocument.Parse(item.Payload);
            conversation = ChatwootPayload.ReadConversationEvent(document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return WorkOutcome.Fail("Unreadable conversation event: " + ex.Message);
        }

        var accountId = conversation.AccountId ?? chatwoot.CurrentValue.AccountId;
        if (accountId is null)
        {
            return WorkOutcome.Fail("The event names no account and Chatwoot:AccountId is not set.");
        }

        var status = conversation.Status.ToLowerInvariant();
        if (!conversation.StatusChanged || status.Length == 0 || conversation.ConversationId <= 0)
        {
            return WorkOutcome.Done;
        }

        // Resolve before the transaction: it reads, and SQLite transactions should write first.
        var opened = status == HandoffNotifier.OpenStatus;
        var ours = opened && await conversations.IsTheBotsAsync(accountId.Value, conversation.ConversationId, conversation.InboxId, cancellationToken);
        var owner = ours ? await providers.ResolveAsync(conversation.ProviderPubkey, conversation.ContractId, cancellationToken) : null;
        var handedBack = !opened && await HandedBackAsync(accountId.Value, conversation, status, cancellationToken);

        var enqueued = false;
        await using (var connection = await dialect.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (owner is not null)
            {
                enqueued = await notifier.HandOffAsync(
                    new HandoffNotice(accountId.Value, conversation.ConversationId, owner.ProviderPubkey, owner.ContractId, "status_changed", "webhook"),
                    connection, transaction, cancellationToken);
            }
            else if (opened)
            {
                await notifier.RecordStatusAsync(accountId.Value, conversation.ConversationId, status, connection, transaction, cancellationToken);
                LogNotOurs(accountId.Value, conversation.ConversationId, conversation.InboxId ?? 0);
            }
            else
            {
                await notifier.LeftOpenAsync(accountId.Value, conversation.ConversationId, status, handedBack, connection, transaction, cancellationToken);
            }

            await queue.CompleteAsync(WorkTable.Inbox, item.Id, connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (enqueued)
        {
            signal.Notify(WorkTable.Outbox);
            LogHandoff(accountId.Value, conversation.ConversationId, conversation.PreviousStatus ?? "?");
        }

        return WorkOutcome.Done;
    }

    /// <summary>
    /// Whether the conversation is the bot's again: resolved (its next customer message reopens it for the bot), or
    /// set pending after being something else. The previous status is the event's when it says
    /// (<c>conversation_updated</c>), else ours: <c>conversation_status_changed</c> carries <c>changed_attributes: null</c>.
    /// </summary>
    private async Task<bool> HandedBackAsync(long accountId, ChatwootConversationEvent conversation, string status, CancellationToken cancellationToken)
    {
        if (status == "resolved")
        {
            return true;
        }

        if (status != "pending")
        {
            return false;
        }

        var previous = conversation.PreviousStatus;
        if (previous is null)
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            previous = await HandoffNotifier.LastStatusAsync(connection, accountId, conversation.ConversationId, cancellationToken);
        }

        return !string.Equals(previous, "pending", StringComparison.OrdinalIgnoreCase);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {AccountId}/{ConversationId} (inbox {InboxId}) opened, but the bot never saw it and does not serve its inbox: not announced")]
    private partial void LogNotOurs(long accountId, long conversationId, long inboxId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {AccountId}/{ConversationId} opened for a person (from {Previous}); notification queued")]
    private partial void LogHandoff(long accountId, long conversationId, string previous);
}
