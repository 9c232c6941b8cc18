using System.Text.Json;
using SupportRelay.Chatwoot;
using SupportRelay.Inbox;
using SupportRelay.Storage;

namespace SupportRelay.Bot;

/// <summary>
/// <c>message_updated</c>: a message changed. The widget marks outgoing messages read this way, and a customer's
/// choice in an <c>input_select</c> comes back as the bot's message with <c>content_attributes.submitted_values</c>
/// (the widget <c>PATCH</c>es <c>/api/v1/widget/messages/{id}</c>; other channels send the choice as a new incoming
/// message). The events are stored and read so that what acts on the choices has them; nothing does yet.
/// </summary>
public sealed partial class MessageUpdatedHandler(ILogger<MessageUpdatedHandler> logger) : IInboxHandler
{
    public const string EventType = "chatwoot.message_updated";

    public bool Handles(string eventType) => eventType == EventType;

    public Task<WorkOutcome> HandleAsync(WorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(item.Payload);
            var message = ChatwootPayload.ReadMessage(document.RootElement);
            var submitted = ChatwootPayload.ReadSubmittedValues(document.RootElement);
            if (submitted.Count > 0)
            {
                LogSubmitted(message.AccountId ?? 0, message.ConversationId, message.MessageId, submitted.Count);
            }

            return Task.FromResult(WorkOutcome.Done);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Task.FromResult(WorkOutcome.Fail("Unreadable message_updated event: " + ex.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conversation {AccountId}/{ConversationId}: the customer chose {Count} item(s) of message {MessageId}")]
    private partial void LogSubmitted(long accountId, long conversationId, long messageId, int count);
}
