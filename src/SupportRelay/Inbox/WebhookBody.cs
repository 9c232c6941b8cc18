using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SupportRelay.Inbox;

/// <summary>Reads a webhook's raw body (its signature covers the bytes) up to a limit.</summary>
public static class WebhookBody
{
    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 4096);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Parses a webhook body as JSON whose every string and property name is valid Unicode. JsonDocument
    /// accepts an escaped unpaired surrogate (<c>"\ud800"</c>) and fails only when that string is read,
    /// which would be a 500 at the door or a failed event in the worker: such a body is refused here, once.
    /// </summary>
    /// <exception cref="JsonException">The body is not JSON, or holds a string that is not valid Unicode.</exception>
    public static JsonDocument Parse(byte[] body)
    {
        var document = JsonDocument.Parse(body);
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                && (reader.ValueIsEscaped || !Ascii.IsValid(reader.ValueSpan)))
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    document.Dispose();
                    throw new JsonException(
                        $"The string at byte {reader.TokenStartIndex} is not valid Unicode (an unpaired surrogate escape or invalid UTF-8).");
                }
            }
        }

        return document;
    }
}
