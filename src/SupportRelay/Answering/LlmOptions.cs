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

    public string? EmbeddingModel { get; set; }

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

    /// <summary>Characters of each article given to the model.</summary>
    [Range(200, 100_000)]
    public int MaxArticleChars { get; set; } = 6000;
}
