using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SupportRelay.Retrieval;

namespace SupportRelay.Answering;

/// <summary>The model's reply could not be read as the answer we asked for.</summary>
public sealed class LlmResponseException(string message) : Exception(message);

/// <summary>
/// Answers through any <see cref="IChatClient"/> (OpenAI-compatible servers, Anthropic). The model
/// sees only the retrieved articles and the conversation, answers in the customer's language, and
/// says in a JSON object whether the articles answer the question and which ones it used. Its reply
/// is parsed defensively: code fences, prose around the object, ids it made up.
/// </summary>
public sealed class LlmAnswerGenerator(IChatClient chat, IOptionsMonitor<LlmOptions> options) : IAnswerGenerator
{
    private const string Instructions = """
        You are the customer support assistant of a service provider. Answer the customer's latest
        question using ONLY the Help Center articles below. Do not use any other knowledge, do not
        guess, and never invent commands, prices or settings that the articles do not state.
        Write the answer in the customer's language (the language of their question), short and
        practical, in plain text or simple Markdown.
        Reply with exactly one JSON object and nothing else:
        {"answered": true or false, "answer": "your answer", "sources": ["id of each article you used"]}
        Set "answered" to false, with an empty answer, when the articles do not answer the question.
        """;

    private static readonly ChatResponseFormat AnswerFormat = ChatResponseFormat.ForJsonSchema(
        JsonDocument.Parse("""
            {
              "type": "object",
              "properties": {
                "answered": { "type": "boolean" },
                "answer": { "type": "string" },
                "sources": { "type": "array", "items": { "type": "string" } }
              },
              "required": ["answered", "answer", "sources"],
              "additionalProperties": false
            }
            """).RootElement.Clone(),
        "support_answer",
        "Whether the articles answer the question, the answer, and the ids of the articles used.");

    public bool UsesModel => true;

    public async Task<AnswerResult> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var prompt = new StringBuilder();
        if (request.CustomerLanguage is { Length: > 0 } language)
        {
            // Articles may be in another language than the customer's (the portal's default): say which to write in.
            prompt.Append("The customer writes in ").Append(LanguageName(language)).Append(" (").Append(language)
                .Append("). Write the answer in ").Append(LanguageName(language)).AppendLine(".");
        }

        prompt.Append("The articles are in locale ").AppendLine(request.Locale).AppendLine();
        prompt.AppendLine("Help Center articles:");
        foreach (var hit in request.Hits)
        {
            // The passages that bear on the question, not the whole article: a shorter prompt, and the answer in it.
            var text = PassageExtractor.Excerpt(hit.Article, request.Question, request.Locale, settings.MaxArticleChars);

            prompt.Append("<article id=\"").Append(hit.Article.Id).Append("\" title=\"").Append(hit.Article.Title).AppendLine("\">")
                .AppendLine(text).AppendLine("</article>");
        }

        if (request.History.Count > 0)
        {
            prompt.AppendLine().AppendLine("Earlier in this conversation:");
            foreach (var message in request.History)
            {
                prompt.Append(message.Role).Append(": ").AppendLine(message.Content);
            }
        }

        prompt.AppendLine().Append("Customer's question: ").AppendLine(request.Question);

        List<ChatMessage> messages = [new(ChatRole.System, Instructions), new(ChatRole.User, prompt.ToString())];
        var chatOptions = new ChatOptions
        {
            Temperature = 0.2f,
            MaxOutputTokens = settings.MaxOutputTokens,
            ResponseFormat = settings.ResponseFormat switch
            {
                "json_schema" => AnswerFormat,
                "json_object" => ChatResponseFormat.Json,
                _ => null,
            },
        };

        var response = await chat.GetResponseAsync(messages, chatOptions, cancellationToken);
        return Parse(response.Text, request.Hits);
    }

    /// <summary>The English name of a language code (<c>fr</c> → French), or the code itself.</summary>
    internal static string LanguageName(string code)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(code.Replace('_', '-'));
            return culture.EnglishName.StartsWith("Unknown", StringComparison.Ordinal) ? code : culture.EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }

    /// <summary>Reads the model's JSON object; ids it cites that were not given are dropped.</summary>
    public static AnswerResult Parse(string? text, IReadOnlyList<SearchHit> hits)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new LlmResponseException("The model returned an empty reply.");
        }

        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            throw new LlmResponseException("The model's reply holds no JSON object.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text.AsMemory(start, end - start + 1), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            throw new LlmResponseException("The model's reply is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            var answered = root.TryGetProperty("answered", out var a) && (a.ValueKind == JsonValueKind.True
                || (a.ValueKind == JsonValueKind.String && bool.TryParse(a.GetString(), out var parsed) && parsed));
            var answer = root.TryGetProperty("answer", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.Trim() : "";
            if (!answered || answer.Length == 0)
            {
                return new AnswerResult(false, answer, []);
            }

            var known = hits.Select(h => h.Article.Id).ToHashSet(StringComparer.Ordinal);
            var sources = new List<string>();
            if (root.TryGetProperty("sources", out var s) && s.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in s.EnumerateArray())
                {
                    var id = item.ValueKind switch
                    {
                        JsonValueKind.String => item.GetString(),
                        JsonValueKind.Number => item.GetRawText(),
                        _ => null,
                    };
                    if (id is not null && known.Contains(id) && !sources.Contains(id))
                    {
                        sources.Add(id);
                    }
                }
            }

            if (sources.Count == 0 && hits.Count > 0)
            {
                // An answer must cite something; the model answered from what it was given.
                sources.Add(hits[0].Article.Id);
            }

            return new AnswerResult(true, answer, sources);
        }
    }
}

/// <summary>Builds the configured <see cref="IChatClient"/>.</summary>
public static class ChatClientFactory
{
    public static IChatClient? Create(LlmOptions options, HttpClient http)
    {
        switch (options.Provider)
        {
            case "openai":
            {
                var clientOptions = new OpenAI.OpenAIClientOptions
                {
                    Transport = new System.ClientModel.Primitives.HttpClientPipelineTransport(http),
                    // The bot hands off instead of waiting through the SDK's retries.
                    RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
                };
                if (options.BaseUrl is not null)
                {
                    clientOptions.Endpoint = options.BaseUrl;
                }

                var client = new OpenAI.Chat.ChatClient(
                    options.Model ?? "gpt-4o-mini",
                    new System.ClientModel.ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey),
                    clientOptions);
                return client.AsIChatClient();
            }

            case "anthropic":
            {
                var client = new Anthropic.AnthropicClient(new Anthropic.Core.ClientOptions
                {
                    ApiKey = options.ApiKey ?? "",
                    BaseUrl = options.BaseUrl?.ToString().TrimEnd('/') ?? "https://api.anthropic.com",
                    HttpClient = http,
                    MaxRetries = 0,
                });
                return client.AsIChatClient(options.Model ?? "claude-sonnet-4-5");
            }

            default:
                return null;
        }
    }

    internal static string Describe(LlmOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"{options.Provider}:{options.Model}");
}
