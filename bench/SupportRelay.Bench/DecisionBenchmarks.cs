using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportRelay.Answering;
using SupportRelay.Bot;
using SupportRelay.Cli;
using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Bench;

/// <summary>
/// The bot's decision on labelled customer messages over the Scalingo help center
/// (<c>corpus/scalingo/questions.jsonl</c>): answered from the right article, handed off when it should be,
/// for BM25, hybrid with the embedded model, and a fake model that answers exactly when a right article is in
/// its prompt (the gate's recall when a model judges). Figures per kind, on the tuning and held-out halves.
/// </summary>
internal static class DecisionBenchmarks
{
    public static async Task RunAsync(string[] args)
    {
        var messages = DecisionEvaluation.Load(CorpusPaths.ScalingoQuestions);
        var articles = ArticleFile.Load(CorpusPaths.ScalingoArticles);
        using var index = ArticleIndex.Build(articles, "en");
        var only = args.Length > 0 ? args[0] : null;
        foreach (var (name, settings, model) in new (string, Dictionary<string, string?>, bool)[]
        {
            ("bm25, no LLM", new() { ["Retrieval:Embeddings"] = "none" }, false),
            ("hybrid (embedded model), no LLM", new() { ["Retrieval:Embeddings"] = "embedded" }, false),
            ("hybrid (embedded model), a model that answers when a right article is in its prompt", new() { ["Retrieval:Embeddings"] = "embedded" }, true),
        })
        {
            if (only is not null && !name.StartsWith(only, StringComparison.Ordinal))
            {
                continue;
            }

            var gold = messages.ToDictionary(m => m.Question, m => m.Articles, StringComparer.Ordinal);
            var decisions = await LabelledDecisions.DecideAsync(index, messages, settings, model ? new OracleModel(gold) : null);
            foreach (var split in new[] { "tune", "heldout" })
            {
                Console.WriteLine(DecisionEvaluation.Table($"== {name}: {split} half", [.. decisions.Decisions.Where(d => d.Message.Split == split)]));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time per message: p50 {Percentile(decisions.Milliseconds, 0.5):F1} ms, p99 {Percentile(decisions.Milliseconds, 0.99):F1} ms\n"));
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>
    /// A model that judges perfectly: it answers, citing the right article, exactly when one is among the
    /// articles in its prompt, and says "not answered" otherwise. What the gate keeps from it is then the
    /// gate's own loss.
    /// </summary>
    private sealed class OracleModel(Dictionary<string, IReadOnlyList<string>> gold) : IAnswerGenerator
    {
        public bool UsesModel => true;

        public Task<AnswerResult> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
        {
            var right = gold.TryGetValue(request.Question, out var articles)
                ? request.Hits.FirstOrDefault(h => articles.Contains(h.Article.Id, StringComparer.Ordinal))
                : null;
            return Task.FromResult(right is null
                ? new AnswerResult(false, "", [])
                : new AnswerResult(true, "From " + right.Article.Title, [right.Article.Id]));
        }
    }
}

/// <summary>How often the right article ranks first, in the top 3 and top 10, for the answerable messages.</summary>
internal static class DecisionRetrievalBenchmarks
{
    public static async Task RunAsync()
    {
        var messages = DecisionEvaluation.Load(CorpusPaths.ScalingoQuestions).Where(m => m.Kind == QuestionKinds.Answerable).ToList();
        using var index = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.ScalingoArticles), "en");
        var database = Path.Combine(Path.GetTempPath(), $"supportrelay-bench-{Guid.NewGuid():N}.db");
        using var host = CommandLineApp.BuildHost(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={database}",
            ["Retrieval:Embeddings"] = "embedded",
            ["Retrieval:IndexingWait"] = "01:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        var retriever = host.Services.GetRequiredService<ArticleRetriever>();
        var scope = new ArticleScope(index, "en", "file:articles.jsonl");
        foreach (var mode in new[] { RetrievalMode.Bm25, RetrievalMode.Semantic, RetrievalMode.Hybrid })
        {
            foreach (var split in new[] { "tune", "heldout" })
            {
                var questions = messages.Where(m => m.Split == split)
                    .Select(m => new LabeledQuestion(m.Id, m.Question, m.Articles)).ToList();
                var hits = new Dictionary<string, IReadOnlyList<SearchHit>>(StringComparer.Ordinal);
                foreach (var message in messages.Where(m => m.Split == split))
                {
                    hits[message.Id] = await retriever.SearchAsync(scope, message.Question, 10,
                        message.History.Count == 0 ? null : string.Join('\n', message.History.TakeLast(2)), mode, CancellationToken.None);
                }

                var quality = RetrievalEvaluation.Measure(q => hits[q.Id], questions);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{mode,-9} {split,-8} recall@1 {quality.RecallAt1:F3}  recall@3 {quality.RecallAt3:F3}  MRR@10 {quality.MrrAt10:F3}"));
            }
        }
    }
}

/// <summary>The answerable messages whose right article does not rank first, with what ranked first instead.</summary>
internal static class DecisionMissBenchmarks
{
    public static async Task RunAsync()
    {
        var messages = DecisionEvaluation.Load(CorpusPaths.ScalingoQuestions).Where(m => m.Kind == QuestionKinds.Answerable && m.Split == "tune").Take(150).ToList();
        using var index = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.ScalingoArticles), "en");
        var database = Path.Combine(Path.GetTempPath(), $"supportrelay-bench-{Guid.NewGuid():N}.db");
        using var host = CommandLineApp.BuildHost(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={database}",
            ["Retrieval:Embeddings"] = "embedded",
            ["Retrieval:IndexingWait"] = "01:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        var retriever = host.Services.GetRequiredService<ArticleRetriever>();
        var scope = new ArticleScope(index, "en", "file:articles.jsonl");
        foreach (var m in messages)
        {
            var hits = await retriever.SearchAsync(scope, m.Question, 3, null, RetrievalMode.Hybrid, CancellationToken.None);
            if (hits.Count == 0 || !m.Articles.Contains(hits[0].Article.Id, StringComparer.Ordinal))
            {
                Console.WriteLine($"{m.Question}\n   gold {string.Join(",", m.Articles)}\n   got  {string.Join(" | ", hits.Select(h => h.Article.Id))}");
            }
        }
    }
}

/// <summary>
/// The extractive answer's passage against the labelled answer spans (50 messages), with the right article given:
/// a hit when the passage holds at least 80 % of the span's words. And what the LLM reads per answer: whole
/// articles (the old prompt, up to 6,000 characters each) against excerpts of the best passages.
/// </summary>
internal static class PassageBenchmarks
{
    public static void Run()
    {
        var messages = DecisionEvaluation.Load(CorpusPaths.ScalingoQuestions);
        var articles = ArticleFile.Load(CorpusPaths.ScalingoArticles).ToDictionary(a => a.Id, StringComparer.Ordinal);
        foreach (var split in new[] { "tune", "heldout" })
        {
            var labelled = messages.Where(m => m.AnswerSpan is not null && m.Split == split).ToList();
            var hits = labelled.Count(m => Covers(PassageExtractor.Best(articles[m.Articles[0]], m.Question, "en", ExtractiveAnswerGenerator.MaxPassageLength), m.AnswerSpan!));
            var excerptHits = labelled.Count(m => Covers(PassageExtractor.Excerpt(articles[m.Articles[0]], m.Question, "en", 1800), m.AnswerSpan!));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{split,-8} answer spans: the extractive passage holds {hits} of {labelled.Count}; the LLM's excerpt (1,800 characters) holds {excerptHits}"));
        }

        var answerable = messages.Where(m => m.Kind == QuestionKinds.Answerable).ToList();
        double whole = 0, excerpt = 0;
        foreach (var message in answerable)
        {
            foreach (var id in message.Articles.Take(1))
            {
                var text = MarkdownText.ToPlainText(articles[id].Content);
                whole += Math.Min(text.Length, 6000);
                excerpt += PassageExtractor.Excerpt(articles[id], message.Question, "en", 1800).Length;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"article text in the prompt, per article: whole article (capped at 6,000) {whole / answerable.Count:F0} characters on average; excerpt {excerpt / answerable.Count:F0}; per answer of three articles about {3 * whole / answerable.Count:F0} -> {3 * excerpt / answerable.Count:F0}"));
    }

    private static bool Covers(string passage, string span)
    {
        var words = Words(MarkdownText.ToPlainText(span));
        var have = Words(MarkdownText.ToPlainText(passage)).ToHashSet(StringComparer.Ordinal);
        return words.Count > 0 && words.Count(have.Contains) >= 0.8 * words.Count;
    }

    private static List<string> Words(string text) =>
        [.. text.Split((char[])[' ', '\n', '\t', ',', '.', ':', ';', '(', ')', '`', '*', '"', '\''], StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToLowerInvariant())];
}
