using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using SupportRelay.Bot;
using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;

namespace SupportRelay.Cli;

/// <summary><c>search</c> and <c>ask</c>: the service's retrieval and answer code, offline, on an articles file.</summary>
public static class AnswerCommands
{
    private static readonly Option<FileInfo> ArticlesOption = new("--articles")
    {
        Description = "Articles file: one JSON object per line with id, title, content (slug, url optional).",
        Required = true,
    };

    private static readonly Option<string> LocaleOption = new("--locale") { Description = "The articles' language (analyzer).", DefaultValueFactory = _ => "en" };

    public static Command Search()
    {
        var top = new Option<int>("--top") { Description = "Results per question.", DefaultValueFactory = _ => 10 };
        var mode = new Option<string?>("--mode")
        {
            Description = "bm25, semantic or hybrid; default: hybrid unless Retrieval:Embeddings is none (Retrieval:Mode overrides).",
        };
        mode.AcceptOnlyFromAmong("bm25", "semantic", "hybrid");
        var command = new Command("search", "Search the articles for each question read from stdin (one per line); prints one JSON line per question.")
        {
            ArticlesOption, LocaleOption, top, mode,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(ArticlesOption)!;
            var locale = parse.GetValue(LocaleOption)!;
            var index = Load(file, locale);
            if (index is null)
            {
                return 2;
            }

            using (index)
            using (var host = CommandLineApp.BuildHost())
            {
                var retriever = host.Services.GetRequiredService<ArticleRetriever>();
                var requested = parse.GetValue(mode) is { } named ? Enum.Parse<RetrievalMode>(named, ignoreCase: true) : retriever.DefaultMode;
                if (requested != RetrievalMode.Bm25 && !await PrepareEmbeddingsAsync(host, cancellationToken))
                {
                    return 2;
                }

                var scope = new ArticleScope(index, locale, FileScope(file));
                while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (string.IsNullOrWhiteSpace(line))
                    {
                        continue;
                    }

                    var hits = await retriever.SearchAsync(scope, line, parse.GetValue(top), null, requested, cancellationToken);
                    var result = new SearchLine(line, hits.Select(h => new SearchResult(h.Article.Id, Math.Round(h.Score, 4))).ToList());
                    await Console.Out.WriteLineAsync(JsonSerializer.Serialize(result, CliJson.Options.GetTypeInfo(typeof(SearchLine))));
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>Semantic search offline needs the embedding model and the database that caches article embeddings.</summary>
    private static async Task<bool> PrepareEmbeddingsAsync(IHost host, CancellationToken cancellationToken)
    {
        if (!host.Services.GetRequiredService<ArticleRetriever>().HasEmbeddings)
        {
            await Console.Error.WriteLineAsync("Semantic and hybrid search need an embedding model: Retrieval:Embeddings is none. Use embedded (the default, in the service), or endpoint with Llm:EmbeddingModel and Llm:EmbeddingBaseUrl, e.g. Llm__EmbeddingModel=nomic-embed-text Llm__EmbeddingBaseUrl=http://localhost:11434/v1.");
            return false;
        }

        await host.Services.GetRequiredService<Storage.Migrator>().MigrateAsync(cancellationToken);
        return true;
    }

    /// <summary>The embedding store's name for an articles file: its name, so a second run reuses the embeddings.</summary>
    private static string FileScope(FileInfo file) => "file:" + file.Name;

    public static Command Ask()
    {
        var question = new Argument<string?>("question") { Description = "The question; without it, questions are read from stdin, one per line.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON line per question." };
        var command = new Command("ask", "Run the whole answer pipeline offline on an articles file, with the configured LLM (or none).")
        {
            ArticlesOption, LocaleOption, json, question,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var locale = parse.GetValue(LocaleOption)!;
            var index = Load(parse.GetValue(ArticlesOption)!, locale);
            if (index is null)
            {
                return 2;
            }

            using (index)
            using (var host = CommandLineApp.BuildHost())
            {
                var responder = host.Services.GetRequiredService<BotResponder>();
                if (host.Services.GetRequiredService<ArticleRetriever>().DefaultMode != RetrievalMode.Bm25
                    && !await PrepareEmbeddingsAsync(host, cancellationToken))
                {
                    return 2;
                }

                var scope = new ArticleScope(index, locale, FileScope(parse.GetValue(ArticlesOption)!));
                var asJson = parse.GetValue(json);
                async Task AnswerAsync(string text)
                {
                    var decision = await responder.RespondAsync(text, [], _ => Task.FromResult<ArticleScope?>(scope), null, cancellationToken);
                    if (asJson)
                    {
                        var line = new AskLine(text, decision.Answer ?? decision.Reply, decision.Sources ?? [], decision.IsHandoff, decision.Reason,
                            decision.ArticleIds, decision.TopScore);
                        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(line, CliJson.Options.GetTypeInfo(typeof(AskLine))));
                    }
                    else
                    {
                        await Console.Out.WriteLineAsync(decision.IsHandoff ? $"[handoff: {decision.Reason}] {decision.Reply}" : decision.Reply);
                        await Console.Out.WriteLineAsync();
                    }
                }

                if (parse.GetValue(question) is { Length: > 0 } single)
                {
                    await AnswerAsync(single);
                }
                else
                {
                    while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
                    {
                        if (!string.IsNullOrWhiteSpace(line))
                        {
                            await AnswerAsync(line);
                        }
                    }
                }
            }

            return 0;
        });
        return command;
    }

    private static ArticleIndex? Load(FileInfo file, string locale)
    {
        try
        {
            return ArticleIndex.Build(ArticleFile.Load(file.FullName), locale);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or JsonException)
        {
            Console.Error.WriteLine($"Cannot read {file.FullName}: {ex.Message}");
            return null;
        }
    }
}

internal sealed record SearchResult([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("score")] double Score);

internal sealed record SearchLine([property: JsonPropertyName("question")] string Question, [property: JsonPropertyName("results")] IReadOnlyList<SearchResult> Results);

internal sealed record AskLine(
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answer")] string? Answer,
    [property: JsonPropertyName("sources")] IReadOnlyList<string> Sources,
    [property: JsonPropertyName("handoff")] bool Handoff,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("articles")] IReadOnlyList<string> Articles,
    [property: JsonPropertyName("confidence")] double? Confidence);

[JsonSerializable(typeof(SearchLine))]
[JsonSerializable(typeof(AskLine))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>Readable UTF-8 output: questions in any script print as themselves.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = CliJsonContext.Default,
    };
}
