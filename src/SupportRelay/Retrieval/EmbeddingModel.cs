using Microsoft.Extensions.AI;

namespace SupportRelay.Retrieval;

/// <summary>
/// The embedding model retrieval uses: its generator, the name its stored vectors are keyed by, how it is called,
/// and the prefix its questions want (a model's own; <c>Retrieval:QueryPrefix</c> adds to it for an endpoint's model).
/// </summary>
public sealed record EmbeddingModel(IEmbeddingGenerator<string, Embedding<float>> Generator, string Name, int BatchSize, TimeSpan Timeout, string QueryPrefix = "");
