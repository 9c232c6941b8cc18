using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Answering;

/// <summary>The <c>Llm</c> configuration section.</summary>
public sealed class LlmOptions
{
    public const string SectionName = "Llm";

    /// <summary><c>none</c> (extractive answers), <c>openai</c> (any OpenAI-compatible server) or <c>anthropic</c>.</summary>
    [RegularExpression("^(none|openai|anthropic)$", ErrorMessage = "Llm:Provider must be none, openai or anthropic.")]
    public string Provider { get; set; } = "none";

    /// <summary>Endpoint, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c> for Ollama.</summary>
    public Uri? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    public string? Model { get; set; }

    /// <summary>
    /// The embedding model (e.g. <c>text-embedding-3-small</c>, or <c>nomic-embed-text</c> on Ollama). When set,
    /// retrieval ranks articles by meaning as well as by words (see <c>Retrieval:Mode</c>); unset, BM25 alone.
    /// </summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>
    /// The OpenAI-compatible endpoint that serves <see cref="EmbeddingModel"/> (<c>POST {url}/embeddings</c>);
    /// default <see cref="BaseUrl"/>. Embeddings always speak OpenAI's protocol, whatever <see cref="Provider"/>
    /// is: with <c>anthropic</c> (which has no embeddings) or <c>none</c>, point this at OpenAI, Ollama or llama.cpp.
    /// </summary>
    public Uri? EmbeddingBaseUrl { get; set; }

    /// <summary>The key for <see cref="EmbeddingBaseUrl"/>; default <see cref="ApiKey"/>.</summary>
    public string? EmbeddingApiKey { get; set; }

    /// <summary>Texts sent in one embedding request (articles are embedded in batches of this size).</summary>
    [Range(1, 2048)]
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>Per embedding request; when it runs out retrieval falls back to BM25 for that question.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EmbeddingTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After this long the answer is abandoned and the conversation handed off.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How the answer's shape is requested: <c>json_schema</c> (structured output, OpenAI and recent
    /// Ollama, vLLM, llama.cpp), <c>json_object</c> (JSON mode, for servers without schemas) or <c>none</c>
    /// (instructions only). The reply is parsed defensively whichever is chosen.
    /// </summary>
    [RegularExpression("^(json_schema|json_object|none)$", ErrorMessage = "Llm:ResponseFormat must be json_schema, json_object or none.")]
    public string ResponseFormat { get; set; } = "json_schema";

    [Range(64, 8192)]
    public int MaxOutputTokens { get; set; } = 800;

    /// <summary>
    /// Characters of each article given to the model: its opening and the passages that bear most on the question,
    /// in the article's order (<c>PassageExtractor.Excerpt</c>).
    /// </summary>
    [Range(200, 100_000)]
    public int MaxArticleChars { get; set; } = 1800;
}
