using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using SupportRelay.Answering;

namespace SupportRelay.Retrieval;

/// <summary>
/// Builds the embedding model of <c>Retrieval:Embeddings</c>: none; <c>embedded</c>, all-MiniLM-L6-v2 inside the
/// service (<see cref="EmbeddedEmbeddingGenerator"/>); or <c>endpoint</c>, <c>Llm:EmbeddingModel</c> through
/// OpenAI's protocol (<c>POST {EmbeddingBaseUrl}/embeddings</c>), which OpenAI, Ollama, llama.cpp and vLLM all
/// speak, whatever <c>Llm:Provider</c> writes the answers.
/// </summary>
public static class EmbeddingGeneratorFactory
{
    /// <summary>A batch the embedded model encodes takes about a second; an endpoint is given its own timeout.</summary>
    private const int EmbeddedBatchSize = 16;

    public static EmbeddingModel? Create(LlmOptions options, RetrievalOptions retrieval, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(retrieval);
        switch (retrieval.EffectiveEmbeddings(options))
        {
            case EmbeddingSource.None:
                return null;
            case EmbeddingSource.Embedded:
                return new EmbeddingModel(new EmbeddedEmbeddingGenerator(), "embedded:" + EmbeddedEmbeddingGenerator.ModelName, EmbeddedBatchSize, TimeSpan.FromMinutes(2));
        }

        if (string.IsNullOrWhiteSpace(options.EmbeddingModel))
        {
            return null;
        }

        var clientOptions = new OpenAI.OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            // A failed embedding falls back to BM25 at once rather than waiting through the SDK's retries.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.EmbeddingTimeout,
        };
        if ((options.EmbeddingBaseUrl ?? options.BaseUrl) is { } endpoint)
        {
            clientOptions.Endpoint = endpoint;
        }

        var key = options.EmbeddingApiKey ?? options.ApiKey;
        var client = new OpenAI.Embeddings.EmbeddingClient(
            options.EmbeddingModel,
            // Local servers (Ollama, llama.cpp) take no key, but the SDK wants one.
            new ApiKeyCredential(string.IsNullOrEmpty(key) ? "unused" : key),
            clientOptions);
        return new EmbeddingModel(client.AsIEmbeddingGenerator(), options.EmbeddingModel, options.EmbeddingBatchSize, options.EmbeddingTimeout);
    }
}
