using System.Text;
using System.Text.Json;

namespace SupportRelay.Text;

/// <summary>
/// JSON from outside, parsed so that no later read of it can fail. JsonDocument accepts an escaped
/// unpaired surrogate (<c>"\ud800"</c>) or invalid UTF-8 in a string and throws only when that string
/// is read: a 500 in an endpoint, or a failed event in a worker. Such a body is refused here, once,
/// as malformed JSON.
/// </summary>
public static class StrictJson
{
    private const string InvalidText = "A string is not valid Unicode: an unpaired surrogate escape or invalid UTF-8";

    /// <exception cref="JsonException">The text is not JSON, or holds a string that is not valid Unicode.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, JsonDocumentOptions options = default)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, options);
        }
        catch (InvalidOperationException)
        {
            // The duplicate-property check reads property names: it is where an invalid one shows first.
            throw new JsonException(InvalidText);
        }

        var reader = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = options.MaxDepth, CommentHandling = options.CommentHandling, AllowTrailingCommas = options.AllowTrailingCommas });
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
                    throw new JsonException($"{InvalidText} (at byte {reader.TokenStartIndex})");
                }
            }
        }

        return document;
    }

    /// <inheritdoc cref="Parse"/>
    public static async Task<JsonDocument> ParseAsync(Stream body, JsonDocumentOptions options, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), options);
    }
}
