using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportRelay.Notifications;

/// <summary>
/// The outbox payload of one handoff notification; <see cref="Channel"/> is set for the email fallback.
/// The customer's words (<see cref="Summary"/> under <see cref="SummaryLabel"/>) are written into the row by
/// the first delivery attempt (<see cref="Summarized"/>), so retries and the fallback send the same text
/// without asking the model again.
/// </summary>
public sealed record HandoffNotificationJob(
    string HandoffKey,
    long AccountId,
    long ConversationId,
    string ProviderPubkey,
    string? ContractId,
    string Reason,
    long CreatedAt,
    string? Channel = null,
    string? FallbackFrom = null,
    string? Summary = null,
    string? SummaryLabel = null,
    bool Summarized = false)
{
    public const string Kind = "notification.handoff";

    public string ToJson() => JsonSerializer.Serialize(this, NotificationJsonContext.Default.HandoffNotificationJob);

    public static HandoffNotificationJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, NotificationJsonContext.Default.HandoffNotificationJob) ?? throw new JsonException("Empty job.");
}

[JsonSerializable(typeof(HandoffNotificationJob))]
[JsonSerializable(typeof(HandoffDigestJob))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
