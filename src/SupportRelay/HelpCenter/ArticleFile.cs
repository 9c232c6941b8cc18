using System.Globalization;
using System.Text.Json;

namespace SupportRelay.HelpCenter;

/// <summary>
/// Reads articles from a JSON Lines file (one object a line: <c>id</c>, <c>title</c>,
/// <c>content</c>, optional <c>slug</c>, <c>url</c>, <c>description</c>, <c>locale</c>), the format
/// of the offline <c>search</c> and <c>ask</c> commands and of the sample corpora in <c>corpus/</c>.
/// </summary>
public static class ArticleFile
{
    /// <exception cref="InvalidDataException">A line is not a JSON object with the required fields;
    /// the message names the file and line.</exception>
    public static IReadOnlyList<Article> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads articles from <paramref name="reader"/>; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<Article> Read(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var articles = new List<Article>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                articles.Add(Parse(line));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{source}, line {lineNumber}: not valid JSON ({ex.Message})", ex);
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException($"{source}, line {lineNumber}: {ex.Message}", ex);
            }
        }
        return articles;
    }

    private static Article Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"expected a JSON object, found {root.ValueKind}");
        }
        var id = Id(root);
        return new Article(
            id,
            RequiredString(root, "title"),
            RequiredString(root, "content"),
            OptionalString(root, "description"),
            OptionalString(root, "slug"),
            OptionalString(root, "url"),
            OptionalString(root, "locale") ?? "en");
    }

    // Chatwoot's article ids are numbers, other exports use strings: both become the same text id.
    private static string Id(JsonElement root)
    {
        if (!root.TryGetProperty("id", out var id))
        {
            throw new FormatException("missing \"id\"");
        }
        return id.ValueKind switch
        {
            JsonValueKind.String when !string.IsNullOrWhiteSpace(id.GetString()) => id.GetString()!,
            JsonValueKind.Number => id.TryGetInt64(out var number)
                ? number.ToString(CultureInfo.InvariantCulture)
                : id.GetRawText(),
            _ => throw new FormatException($"\"id\" must be a non-empty string or a number, found {id.ValueKind}"),
        };
    }

    private static string RequiredString(JsonElement root, string name) =>
        OptionalString(root, name) ?? throw new FormatException($"missing \"{name}\"");

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"\"{name}\" must be a string, found {value.ValueKind}");
    }
}
