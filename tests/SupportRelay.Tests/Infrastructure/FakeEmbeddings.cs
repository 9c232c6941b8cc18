using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// A deterministic stand-in for an embedding model, served as OpenAI's <c>POST /v1/embeddings</c> on a
/// <see cref="FakeHttpServer"/>. A text's vector is a hashed bag of its words in which a few synonyms and
/// translations share a concept ("reboot", "redémarrer" and "restart" are one word to it), so a test can
/// tell a ranking by meaning from a ranking by words.
/// </summary>
public static class FakeEmbeddings
{
    private static readonly Dictionary<string, string> Concepts = new(StringComparer.Ordinal)
    {
        ["reboot"] = "restart", ["restart"] = "restart", ["restarting"] = "restart", ["redémarrer"] = "restart", ["redémarre"] = "restart",
        ["neustarten"] = "restart", ["reiniciar"] = "restart", ["bounce"] = "restart",
        ["box"] = "machine", ["server"] = "machine", ["serveur"] = "machine", ["machine"] = "machine", ["vm"] = "machine", ["instance"] = "machine",
        ["frozen"] = "stuck", ["hangs"] = "stuck", ["bloqué"] = "stuck", ["answer"] = "stuck",
        ["invoice"] = "billing", ["invoices"] = "billing", ["facture"] = "billing", ["factures"] = "billing", ["bill"] = "billing", ["billing"] = "billing",
        ["domain"] = "domain", ["domaine"] = "domain",
        ["backup"] = "backup", ["backups"] = "backup", ["sauvegarde"] = "backup", ["snapshot"] = "backup",
    };

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "is", "it", "my", "i", "do", "how", "to", "of", "and", "or", "in", "on", "your", "you", "can", "does", "not",
        "le", "la", "les", "un", "une", "de", "du", "des", "ma", "mon", "mes", "je", "comment", "est", "ne", "pas", "et",
    };

    /// <summary>The unit vector of <paramref name="text"/> in <paramref name="dimensions"/> dimensions.</summary>
    public static float[] Vector(string text, int dimensions)
    {
        var vector = new float[dimensions];
        foreach (var word in Words(text))
        {
            if (StopWords.Contains(word))
            {
                continue;
            }

            var token = Concepts.TryGetValue(word, out var concept) ? concept : word;
            // Concepts weigh more than plain words: they are what this fake "understands".
            vector[Bucket(token, dimensions)] += concept is null ? 1f : 3f;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    /// <summary>
    /// Serves embeddings on <paramref name="server"/> at <c>/v1/embeddings</c>: vectors of
    /// <paramref name="dimensions"/>() dimensions (a function, so a test can change the "model").
    /// Requests that embed articles (texts with a title line) take <paramref name="articleDelay"/>.
    /// </summary>
    public static void Serve(FakeHttpServer server, Func<int> dimensions, TimeSpan articleDelay = default)
    {
        server.On("POST", "/v1/embeddings", request =>
        {
            var inputs = Inputs(request);
            var size = dimensions();
            var response = FakeResponse.Json(new
            {
                @object = "list",
                data = inputs.Select((text, i) => new { @object = "embedding", index = i, embedding = Vector(text, size) }).ToArray(),
                model = request.Json.GetProperty("model").GetString(),
                usage = new { prompt_tokens = inputs.Count, total_tokens = inputs.Count },
            });
            return inputs.Any(text => text.Contains('\n', StringComparison.Ordinal)) ? response with { Delay = articleDelay } : response;
        });
    }

    /// <summary>The texts an embeddings request asked for (OpenAI's <c>input</c>: a string or an array).</summary>
    public static IReadOnlyList<string> Inputs(RecordedRequest request)
    {
        var input = request.Json.GetProperty("input");
        return input.ValueKind == JsonValueKind.Array ? [.. input.EnumerateArray().Select(e => e.GetString()!)] : [input.GetString()!];
    }

    private static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static int Bucket(string token, int dimensions)
    {
        // FNV-1a: stable across processes, unlike string.GetHashCode.
        var hash = 2166136261u;
        foreach (var c in token)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)dimensions);
    }
}
