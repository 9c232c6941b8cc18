using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using SupportRelay.Answering;

namespace SupportRelay.Retrieval;

/// <summary>
/// Builds the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <c>Llm:EmbeddingModel</c>. Embeddings
/// always go through OpenAI's protocol (<c>POST {EmbeddingBaseUrl}/embeddings</c>), which OpenAI, Ollama,
/// llama.cpp and vLLM all speak, whatever <c>Llm:Provider</c> writes the answers.
/// </summary>
public static class EmbeddingGeneratorFactory
{
    public static IEmbeddingGenerator<string, Embedding<float>>? Create(LlmOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        return client.AsIEmbeddingGenerator();
    }
}
