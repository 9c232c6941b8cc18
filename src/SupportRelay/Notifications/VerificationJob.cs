using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportRelay.Notifications;

/// <summary>
/// The outbox payload of one verification message: the code (SMS, e-mail) or the "Link this chat" button
/// (Telegram) that proves a destination. The code and token are removed from the row once it is sent.
/// </summary>
public sealed record VerificationJob(string ProviderPubkey, string Channel, string Address, string? Code, string? LinkToken, long ExpiresAt)
{
    public const string Kind = "notification.verification";

    /// <summary>The callback data of the chat's confirmation button: this prefix and the link token.</summary>
    public const string LinkButtonPrefix = "link:";

    public string ToJson() => JsonSerializer.Serialize(this, VerificationJsonContext.Default.VerificationJob);

    public static VerificationJob FromJson(string json) =>
        JsonSerializer.Deserialize(json, VerificationJsonContext.Default.VerificationJob) ?? throw new JsonException("Empty job.");
}

[JsonSerializable(typeof(VerificationJob))]
internal sealed partial class VerificationJsonContext : JsonSerializerContext;
