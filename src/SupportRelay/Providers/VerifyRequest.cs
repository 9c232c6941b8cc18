using System.Text.Json;

namespace SupportRelay.Providers;

/// <summary>
/// The body of <c>POST /api/v1/providers/me/verify</c>: <c>{"channel": "sms" | "email", "code": "123456"}</c>
/// confirms a code; without <c>code</c> a new one is sent. (A Telegram chat is confirmed in the chat.)
/// </summary>
public sealed record VerifyRequest(string Channel, string? Code)
{
    /// <summary>Reads the body, each problem under its field's name.</summary>
    public static (string? Channel, string? Code) Read(JsonElement root, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object: {\"channel\": \"sms\" or \"email\", \"code\": \"123456\"}."];
            return (null, null);
        }

        foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("channel" or "code")))
        {
            errors[property.Name] = ["Unknown field; the fields are channel and code."];
        }

        string? channel = null;
        if (!root.TryGetProperty("channel", out var c) || c.ValueKind != JsonValueKind.String || c.GetString() is not ("sms" or "email"))
        {
            errors["channel"] = ["Required: sms or email (a Telegram chat is confirmed by pressing \"Link this chat\" in the chat)."];
        }
        else
        {
            channel = c.GetString();
        }

        string? code = null;
        if (root.TryGetProperty("code", out var k) && k.ValueKind != JsonValueKind.Null)
        {
            code = k.ValueKind == JsonValueKind.String ? k.GetString()!.Trim() : null;
            if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
            {
                errors["code"] = ["Must be the six digits sent to the destination, as a string."];
                code = null;
            }
        }

        return (channel, code);
    }
}
