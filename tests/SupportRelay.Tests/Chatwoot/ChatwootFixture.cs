using System.Text;
using System.Text.Json.Nodes;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>
/// One of <c>Chatwoot/Fixtures/{version}/{name}.json</c>: Chatwoot's exact wire bytes (built from its serializers,
/// see the fixtures' README), read as they are and sent to the service with the headers that version sends its
/// recipient: from 4.13.0 every delivery is signed and carries <c>X-Chatwoot-Delivery</c>; in 4.12 only the
/// account webhook is, and the agent bot's deliveries carry nothing, so they authenticate by <c>?token=</c>.
/// </summary>
public sealed record ChatwootFixture(string Version, string Name, byte[] Bytes)
{
    public static ChatwootFixture Load(string version, string name) =>
        new(version, name, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Chatwoot", "Fixtures", version, name + ".json")));

    public string Text => Encoding.UTF8.GetString(Bytes);

    public JsonNode Json => JsonNode.Parse(Bytes)!;

    /// <summary>Whether this version signs deliveries to <paramref name="recipient"/> (and gives them a delivery id).</summary>
    public bool Signs(ChatwootRecipient recipient) => Version != "4.12" || recipient == ChatwootRecipient.AccountWebhook;

    /// <summary>The same bytes with one exact piece replaced (which must be there): a variant that keeps Ruby's encoding of the rest.</summary>
    public ChatwootFixture Replace(string piece, string replacement)
    {
        Assert.Contains(piece, Text, StringComparison.Ordinal);
        return this with { Bytes = Encoding.UTF8.GetBytes(Text.Replace(piece, replacement, StringComparison.Ordinal)) };
    }

    /// <summary>Sends the bytes as Chatwoot sends them to <paramref name="recipient"/>: signed over these exact bytes, or with <c>?token=</c>.</summary>
    public Task<HttpResponseMessage> SendAsync(ChatwootScenario scenario, ChatwootRecipient recipient = ChatwootRecipient.AgentBot, string? deliveryId = null) =>
        Signs(recipient)
            ? scenario.SendBytesAsync(Bytes, deliveryId ?? Guid.NewGuid().ToString())
            : scenario.SendBytesAsync(Bytes, deliveryId: null, secret: null, path: $"/api/v1/webhooks/chatwoot?token={ChatwootScenario.Secret}");
}
