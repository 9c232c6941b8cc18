using System.Globalization;
using System.Text.Json;

namespace SupportRelay.Chatwoot;

/// <summary>Chatwoot's message types; the webhook sends names at the top level and numbers in <c>conversation.messages[]</c>.</summary>
public enum MessageType
{
    Incoming = 0,
    Outgoing = 1,
    Activity = 2,
    Template = 3,
    Unknown = -1,
}

/// <summary>What the intake needs to store an event: its type, its deduplication key and its conversation.</summary>
public sealed record WebhookEnvelope(string EventType, string EventKey, string? OrderingKey);

/// <summary>A <c>message_created</c> event, read defensively.</summary>
public sealed record ChatwootMessage(
    long? AccountId,
    long ConversationId,
    long MessageId,
    string Content,
    MessageType Type,
    bool Private,
    string? SenderType,
    string? ContentType,
    string ConversationStatus,
    long? InboxId,
    string? ProviderPubkey,
    string? ContractId,
    string? Locale,
    int Attachments = 0);

/// <summary>An item the customer chose in an <c>input_select</c> (<c>content_attributes.submitted_values[]</c>).</summary>
public sealed record SubmittedValue(string? Title, string? Value);

/// <summary>A conversation event (<c>conversation_status_changed</c>, <c>conversation_updated</c>, ...).</summary>
public sealed record ChatwootConversationEvent(
    string EventType,
    long? AccountId,
    long ConversationId,
    string Status,
    string? PreviousStatus,
    bool StatusChanged,
    string? ProviderPubkey,
    string? ContractId,
    long? InboxId = null);

/// <summary>
/// Reads Chatwoot webhook bodies. Chatwoot's payloads vary between versions (numbers sent as strings,
/// <c>message_type</c> as a name or a number, keys that come and go), so every field is read
/// tolerantly, and only the fields the decision needs are required.
/// </summary>
public static class ChatwootPayload
{
    /// <summary>The events we store and process; anything else is acknowledged and dropped.</summary>
    public static readonly IReadOnlySet<string> HandledEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "message_created",
        // Stored for the customer's input_select choices (content_attributes.submitted_values); read receipts come this way too.
        "message_updated",
        "conversation_status_changed",
        "conversation_updated",
        "conversation_opened",
        "conversation_resolved",
    };

    /// <summary>
    /// Validates an event's shape. Returns null with <paramref name="problem"/> set when a required
    /// field is missing or of the wrong type; returns an envelope with a null key for events we ignore.
    /// </summary>
    /// <param name="defaultAccountId">
    /// <c>Chatwoot:AccountId</c>, for conversation payloads before 4.14.2, which carry no account: without it a
    /// conversation's status events and its messages would be ordered apart.
    /// </param>
    public static WebhookEnvelope? ReadEnvelope(JsonElement root, string? deliveryId, ReadOnlySpan<byte> body, out string? problem, long? defaultAccountId = null)
    {
        problem = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            problem = "The body must be a JSON object.";
            return null;
        }

        if (!root.TryGetProperty("event", out var eventElement) || eventElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(eventElement.GetString()))
        {
            problem = "Field 'event' is missing or is not a string.";
            return null;
        }

        var eventType = eventElement.GetString()!;
        if (!HandledEvents.Contains(eventType))
        {
            return new WebhookEnvelope(eventType, "", null);
        }

        long conversationId;
        string fallbackKey;
        if (eventType is "message_created" or "message_updated")
        {
            if (!TryInt64(root, "id", out var messageId))
            {
                problem = "Field 'id' (the message id) is missing or is not an integer.";
                return null;
            }

            if (!root.TryGetProperty("conversation", out var conversation) || conversation.ValueKind != JsonValueKind.Object)
            {
                problem = "Field 'conversation' is missing or is not an object.";
                return null;
            }

            if (!TryInt64(conversation, "id", out conversationId))
            {
                problem = "Field 'conversation.id' is missing or is not an integer.";
                return null;
            }

            if (root.TryGetProperty("message_type", out var type) && ReadMessageType(type) == MessageType.Unknown
                && type.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
            {
                problem = "Field 'message_type' must be incoming, outgoing, activity, template or 0 to 3.";
                return null;
            }

            if (root.TryGetProperty("content", out var content) && content.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                problem = "Field 'content' must be a string or null.";
                return null;
            }

            if (root.TryGetProperty("private", out var isPrivate) && isPrivate.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                problem = "Field 'private' must be a boolean.";
                return null;
            }

            // A message is created once but updated many times (read receipts, a choice): an update is its body.
            fallbackKey = eventType == "message_created"
                ? $"{eventType}:{messageId}"
                : $"{eventType}:{messageId}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))[..32]}";
        }
        else
        {
            if (!TryInt64(root, "id", out conversationId))
            {
                problem = "Field 'id' (the conversation id) is missing or is not an integer.";
                return null;
            }

            if (root.TryGetProperty("status", out var status) && status.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                problem = "Field 'status' must be a string.";
                return null;
            }

            // Without a delivery id, an identical body is the same event redelivered.
            fallbackKey = $"{eventType}:{conversationId}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))[..32]}";
        }

        var accountId = AccountIdOf(root) ?? defaultAccountId;
        var key = eventType is "message_created" or "message_updated" ? null : ConversationEventKey(root, eventType, accountId, conversationId);
        key ??= string.IsNullOrWhiteSpace(deliveryId) ? fallbackKey : "delivery:" + deliveryId.Trim();
        var orderingKey = $"chatwoot:{accountId?.ToString(CultureInfo.InvariantCulture) ?? "-"}:{conversationId}";
        return new WebhookEnvelope(eventType, key, orderingKey);
    }

    /// <summary>
    /// The key of a conversation event that is the same in every copy Chatwoot sends of it. Since 4.13.0 the agent
    /// bot receives <c>conversation_status_changed</c> and <c>conversation_updated</c> too (#13975, #14002), and each
    /// recipient gets its own <c>X-Chatwoot-Delivery</c>, so one change arrives twice under two ids; a late copy
    /// processed after a newer change would apply an old status again. The copies are not byte-identical: the bot's
    /// payload is built at once from the record in memory (<c>updated_at</c> with nanoseconds), the account
    /// webhook's later from the reloaded record (microseconds, and possibly a newer state). What both carry alike:
    /// for <c>conversation_updated</c>, the <c>updated_at</c> change in <c>changed_attributes</c>, captured when the
    /// change was saved; otherwise the status and <c>updated_at</c> to the millisecond. Null when the payload has
    /// neither (then the delivery id, or the body, decides).
    /// </summary>
    private static string? ConversationEventKey(JsonElement root, string eventType, long? accountId, long conversationId)
    {
        var account = accountId?.ToString(CultureInfo.InvariantCulture) ?? "-";
        if (eventType == "conversation_updated" && ChangedAt(root) is { } changedAt)
        {
            return $"{eventType}:{account}:{conversationId}:changed:{changedAt}";
        }

        var status = String(root, "status");
        return status is not null && Milliseconds(Property(root, "updated_at")) is { } updatedAt
            ? $"{eventType}:{account}:{conversationId}:{status}:{updatedAt}"
            : null;
    }

    /// <summary>The new <c>updated_at</c> of a <c>conversation_updated</c>'s <c>changed_attributes</c>, in Unix milliseconds.</summary>
    private static long? ChangedAt(JsonElement root)
    {
        if (Property(root, "changed_attributes") is not { ValueKind: JsonValueKind.Array } changes)
        {
            return null;
        }

        foreach (var change in changes.EnumerateArray())
        {
            if (Property(change, "updated_at") is { ValueKind: JsonValueKind.Object } updatedAt)
            {
                return Milliseconds(Property(updatedAt, "current_value"));
            }
        }

        return null;
    }

    /// <summary>A time as Unix milliseconds: seconds as a number (Chatwoot's float <c>updated_at</c>, read exactly as a decimal), or an ISO string.</summary>
    private static long? Milliseconds(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            => (long)decimal.Floor(seconds * 1000),
        JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            => time.ToUnixTimeMilliseconds(),
        _ => null,
    };

    public static ChatwootMessage ReadMessage(JsonElement root)
    {
        var conversation = root.GetProperty("conversation");
        TryInt64(conversation, "id", out var conversationId);
        TryInt64(root, "id", out var messageId);
        var customAttributes = Property(conversation, "custom_attributes");
        var additional = Property(conversation, "additional_attributes");
        return new ChatwootMessage(
            AccountIdOf(root),
            conversationId,
            messageId,
            ContentOf(root, conversation, messageId),
            root.TryGetProperty("message_type", out var type) ? ReadMessageType(type) : MessageType.Unknown,
            root.TryGetProperty("private", out var isPrivate) && isPrivate.ValueKind == JsonValueKind.True,
            String(Property(root, "sender"), "type"),
            String(root, "content_type"),
            String(conversation, "status") ?? "",
            TryInt64(conversation, "inbox_id", out var inboxId) ? inboxId : TryInt64(Property(root, "inbox"), "id", out inboxId) ? inboxId : null,
            String(customAttributes, "provider_pubkey"),
            String(customAttributes, "contract_id") ?? NumberText(customAttributes, "contract_id"),
            // The account in a webhook is {id, name}: no locale of its own.
            String(customAttributes, "locale") ?? String(additional, "browser_language"),
            Property(root, "attachments") is { ValueKind: JsonValueKind.Array } attachments ? attachments.GetArrayLength() : 0);
    }

    /// <summary>
    /// The message's text as the customer wrote it. <c>conversation.messages[]</c> holds the raw text of the last
    /// public message (<c>webhook_push_messages</c>), which is this one when the payload was built at once (the
    /// agent bot's); the top-level <c>content</c> was channel-rendered HTML in 4.9.0 to 4.12.0, turned back into text
    /// when no raw copy is at hand.
    /// </summary>
    private static string ContentOf(JsonElement root, JsonElement conversation, long messageId)
    {
        if (Property(conversation, "messages") is { ValueKind: JsonValueKind.Array } messages)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (TryInt64(message, "id", out var id) && id == messageId && String(message, "content") is { } raw)
                {
                    return raw;
                }
            }
        }

        var content = String(root, "content") ?? "";
        return RenderedContent.LooksRendered(content) ? RenderedContent.ToText(content) : content;
    }

    public static ChatwootConversationEvent ReadConversationEvent(JsonElement root)
    {
        var eventType = String(root, "event") ?? "";
        TryInt64(root, "id", out var conversationId);
        var status = String(root, "status") ?? "";
        string? previous = null;
        var changed = eventType is "conversation_status_changed" or "conversation_opened" or "conversation_resolved";
        if (root.TryGetProperty("changed_attributes", out var changes))
        {
            IEnumerable<JsonElement> list = changes.ValueKind switch
            {
                JsonValueKind.Array => changes.EnumerateArray(),
                JsonValueKind.Object => [changes],
                _ => [],
            };
            foreach (var change in list)
            {
                if (change.ValueKind == JsonValueKind.Object && change.TryGetProperty("status", out var statusChange)
                    && statusChange.ValueKind == JsonValueKind.Object)
                {
                    changed = true;
                    previous = String(statusChange, "previous_value");
                    status = String(statusChange, "current_value") ?? status;
                }
            }
        }

        var customAttributes = Property(root, "custom_attributes");
        return new ChatwootConversationEvent(eventType, AccountIdOf(root), conversationId, status, previous, changed,
            String(customAttributes, "provider_pubkey"),
            String(customAttributes, "contract_id") ?? NumberText(customAttributes, "contract_id"),
            TryInt64(root, "inbox_id", out var inboxId) ? inboxId : null);
    }

    /// <summary>
    /// The customer's answer to an <c>input_select</c>, from a <c>message_updated</c>: <c>content_attributes.submitted_values</c>,
    /// the chosen items (<c>{"title", "value"}</c>) as the widget sends them back. Empty when the update is something else.
    /// </summary>
    public static IReadOnlyList<SubmittedValue> ReadSubmittedValues(JsonElement root)
    {
        if (Property(Property(root, "content_attributes"), "submitted_values") is not { ValueKind: JsonValueKind.Array } values)
        {
            return [];
        }

        return values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Object)
            .Select(v => new SubmittedValue(String(v, "title"), String(v, "value") ?? NumberText(v, "value"))).ToList();
    }

    public static MessageType ReadMessageType(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() switch
        {
            "incoming" => MessageType.Incoming,
            "outgoing" => MessageType.Outgoing,
            "activity" => MessageType.Activity,
            "template" => MessageType.Template,
            var s when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 3 => (MessageType)n,
            _ => MessageType.Unknown,
        },
        JsonValueKind.Number when element.TryGetInt32(out var n) && n is >= 0 and <= 3 => (MessageType)n,
        _ => MessageType.Unknown,
    };

    private static long? AccountIdOf(JsonElement root) =>
        TryInt64(Property(root, "account"), "id", out var id) ? id
        : TryInt64(root, "account_id", out id) ? id
        : null;

    private static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string? String(JsonElement element, string name)
    {
        var value = Property(element, name);
        return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static string? NumberText(JsonElement element, string name)
    {
        var value = Property(element, name);
        return value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
    }

    /// <summary>Reads an integer sent as a JSON number or as a numeric string.</summary>
    public static bool TryInt64(JsonElement element, string name, out long value)
    {
        value = 0;
        var property = Property(element, name);
        return property.ValueKind switch
        {
            JsonValueKind.Number => property.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(property.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }
}
