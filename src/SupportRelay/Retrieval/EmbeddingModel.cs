using Microsoft.Extensions.AI;

namespace SupportRelay.Retrieval;

/// <summary>The embedding model retrieval uses: its generator, the name its stored vectors are keyed by, and how it is called.</summary>
public sealed record EmbeddingModel(IEmbeddingGenerator<string, Embedding<float>> Generator, string Name, int BatchSize, TimeSpan Timeout);
