using System.Text.Json;

namespace SupportRelay.Notifications;

/// <summary>
/// The outbox payload of one hourly digest: the handoffs of <see cref="ProviderPubkey"/> held back by the
/// cap between <see cref="WindowStart"/> and <see cref="WindowEnd"/> (Unix milliseconds), in one message.
/// </summary>
public sealed record HandoffDigestJob(string ProviderPubkey, long WindowStart, long WindowEnd)
{
    public const string Kind = "notification.digest";

    public string ToJson() => JsonSerializer.Serialize(this, NotificationJsonContext.Default.HandoffDigestJob);

    public static HandoffDigestJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, NotificationJsonContext.Default.HandoffDigestJob) ?? throw new JsonException("Empty job.");
}
