using System.Buffers;
using System.Text.Json;
using SupportRelay.Text;

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

    /// <inheritdoc cref="StrictJson.Parse"/>
    public static JsonDocument Parse(byte[] body) => StrictJson.Parse(body);
}
