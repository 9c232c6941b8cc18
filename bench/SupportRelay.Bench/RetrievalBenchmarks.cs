using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Cli;
using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Bench;

/// <summary>Retrieval quality (StackFAQ), confidence calibration (Scalingo) and latency by size.</summary>
internal static class RetrievalBenchmarks
{
    /// <summary>Questions a hosting provider's help center cannot answer: the bot must hand off.</summary>
    internal static readonly string[] OffTopicQuestions =
    [
        "what's the weather in Paris tomorrow",
        "recommend me a pizza place",
        "who won the football world cup",
        "how do I cook pasta al dente",
        "what is the capital of Australia",
        "tell me a joke",
        "what was the best movie of 2023",
        "how tall is the Eiffel tower",
        "my cat is sick, what should I do",
        "what is my horoscope for today",
        "can you book me a flight to Berlin",
        "how many calories in a banana",
    ];

    /// <summary>Questions the Scalingo documentation answers (written by reading its titles).</summary>
    internal static readonly string[] ScalingoQuestions =
    [
        "how do I deploy a Node.js application",
        "how to add a custom domain to my app",
        "how do I connect to my PostgreSQL database",
        "how can I scale my containers",
        "how to set environment variables",
        "how do I run a one-off command",
        "how to back up my MongoDB database",
        "how do I schedule a cron job",
        "where can I see my application logs",
        "how do I get an SSL certificate for my domain",
        "how to roll back a deployment",
        "how do I log in with the command line tool",
        "how do I add an SSH key",
        "my deployment fails with a build timeout",
        "how to use Redis as a cache",
        "can I restart my app automatically",
        "how do I deploy a Docker image",
        "how to configure a review app for pull requests",
        "how do I invite a collaborator",
        "which PHP versions are supported",
    ];

    public static async Task RunQualityAsync()
    {
        RunBm25Quality();
        await RunSemanticQualityAsync();
    }

    /// <summary>
    /// BM25, semantic and both fusions on StackFAQ, when an embedding endpoint is configured
    /// (<c>Llm__EmbeddingModel</c>, <c>Llm__EmbeddingBaseUrl</c>): the same retriever as the service, so the
    /// article embeddings are cached in the configured database (default: a file under the temp folder).
    /// </summary>
    private static async Task RunSemanticQualityAsync()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ConnectionStrings__Sqlite")))
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Sqlite",
                $"Data Source={Path.Combine(Path.GetTempPath(), "supportrelay-bench", "embeddings.db")}");
        }

        using var host = CommandLineApp.BuildHost();
        var retriever = host.Services.GetRequiredService<ArticleRetriever>();
        Console.WriteLine();
        if (!retriever.HasEmbeddings)
        {
            Console.WriteLine("semantic and hybrid: no embedding endpoint configured (Llm__EmbeddingModel, Llm__EmbeddingBaseUrl); BM25 alone above.");
            return;
        }

        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RetrievalOptions>>().Value;
        var questions = RetrievalEvaluation.LoadQuestions(CorpusPaths.StackFaqQuestions);
        using var index = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.StackFaqArticles), "en");
        var scope = new ArticleScope(index, "en", "file:faqs.jsonl");
        var clock = Stopwatch.StartNew();
        var rankings = new Dictionary<string, (IReadOnlyList<SearchHit> Lexical, IReadOnlyList<SemanticHit> Semantic)>(StringComparer.Ordinal);
        foreach (var question in questions)
        {
            rankings[question.Id] = await RankBothAsync(retriever, scope, question.Question);
        }

        var model = retriever.EmbeddingModelName;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"embedding model {model}: {questions.Count} questions ranked both ways in {clock.Elapsed.TotalSeconds:F1} s (article embeddings from the cache or the endpoint)"));
        Console.WriteLine("ranking                         recall@1  recall@3  MRR@10");
        var baseSettings = FusionSettings.From(options);
        void Row(string name, Func<(IReadOnlyList<SearchHit> Lexical, IReadOnlyList<SemanticHit> Semantic), IReadOnlyList<SearchHit>> rank)
        {
            var quality = RetrievalEvaluation.Measure(q => rank(rankings[q.Id]), questions);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-30}  {quality.RecallAt1,8:F3}  {quality.RecallAt3,8:F3}  {quality.MrrAt10,6:F3}"));
        }

        Row("bm25", r => [.. r.Lexical.Take(10)]);
        Row("semantic", r => Fusion.Semantic(r.Semantic, baseSettings, 10));
        foreach (var k in new[] { 10, 30, 60 })
        {
            Row($"hybrid rrf k={k}", r => Fusion.Fuse(r.Lexical, r.Semantic, baseSettings with { Weighted = false, RrfK = k }, 10));
        }

        foreach (var w in new[] { 0.3, 0.5, 0.6, 0.7, 0.8, 0.9 })
        {
            Row(string.Create(CultureInfo.InvariantCulture, $"hybrid weighted w={w}"), r => Fusion.Fuse(r.Lexical, r.Semantic, baseSettings with { Weighted = true, SemanticWeight = w }, 10));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"configured: Retrieval:Fusion {options.Fusion}, k {options.RrfK}, w {options.SemanticWeight}; semantic confidence = (cosine - {options.SemanticFloor}) / ({options.SemanticCeiling} - {options.SemanticFloor})"));

        // The handoff threshold on the hybrid confidence: StackFAQ should pass, off-topic questions should not.
        using var scalingoIndex = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.ScalingoArticles), "en");
        var scalingo = new ArticleScope(scalingoIndex, "en", "file:articles.jsonl");
        var inDomain = new List<(IReadOnlyList<SearchHit>, IReadOnlyList<SemanticHit>)>();
        foreach (var question in ScalingoQuestions)
        {
            inDomain.Add(await RankBothAsync(retriever, scalingo, question));
        }

        var offTopic = new List<(IReadOnlyList<SearchHit>, IReadOnlyList<SemanticHit>)>();
        foreach (var question in OffTopicQuestions)
        {
            offTopic.Add(await RankBothAsync(retriever, scalingo, question));
        }

        foreach (var byMax in new[] { true, false })
        {
            var settings = baseSettings with { ConfidenceByMax = byMax };
            SearchHit? Top((IReadOnlyList<SearchHit> Lexical, IReadOnlyList<SemanticHit> Semantic) r) => Fusion.Fuse(r.Lexical, r.Semantic, settings, 1) is [var h, ..] ? h : null;
            var stackTop = questions.Select(q => (Hit: Top(rankings[q.Id]), q.RelevantIds)).ToList();
            var right = stackTop.Where(t => t.Hit is not null && t.RelevantIds.Contains(t.Hit.Article.Id)).Select(t => t.Hit).ToList();
            var wrong = stackTop.Where(t => t.Hit is null || !t.RelevantIds.Contains(t.Hit.Article.Id)).Select(t => t.Hit).ToList();
            var scalingoTop = inDomain.Select(Top).ToList();
            var offTop = offTopic.Select(Top).ToList();
            Console.WriteLine();
            Console.WriteLine($"hybrid confidence ({(byMax ? "max of the two sides" : $"blend w={settings.SemanticWeight}")}) of the best hit passing a threshold:");
            Console.WriteLine("threshold  stackfaq  stackfaq-right  stackfaq-wrong  scalingo-in  offtopic-scalingo");
            foreach (var threshold in new[] { 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7 })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{threshold,9:F2}  {Share(stackTop.Select(t => t.Hit), threshold),8:P0}  {Share(right, threshold),14:P0}  {Share(wrong, threshold),14:P0}  {Share(scalingoTop, threshold),11:P0}  {Share(offTop, threshold),17:P0}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("off-topic questions on scalingo (best semantic similarity):");
        foreach (var (question, ranking) in OffTopicQuestions.Zip(offTopic))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(ranking.Item2.Count > 0 ? ranking.Item2[0].Similarity : 0):F2}  {question}"));
        }
    }

    private static async Task<(IReadOnlyList<SearchHit> Lexical, IReadOnlyList<SemanticHit> Semantic)> RankBothAsync(
        ArticleRetriever retriever, ArticleScope scope, string question)
    {
        var lexical = scope.Index.Search(question, RetrievalDefaults.CandidatePool);
        var semantic = await retriever.SearchAsync(scope, question, RetrievalDefaults.CandidatePool, null, RetrievalMode.Semantic, CancellationToken.None);
        return (lexical, [.. semantic.Select(h => new SemanticHit(h.Article, h.Score))]);
    }

    private static void RunBm25Quality()
    {
        var questions = RetrievalEvaluation.LoadQuestions(CorpusPaths.StackFaqQuestions);
        using var stackFaq = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.StackFaqArticles), "en");
        var quality = RetrievalEvaluation.Measure(stackFaq, questions);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stackfaq: {quality.Questions} questions, {stackFaq.Count} articles: recall@1 {quality.RecallAt1:F3}, recall@3 {quality.RecallAt3:F3}, MRR@10 {quality.MrrAt10:F3}"));
        Console.WriteLine("references: original keyword search recall@3 0.607; textbook BM25 recall@3 0.857, MRR@10 0.769");

        // Confidence calibration: the share of each question set whose best hit passes a threshold.
        var stackTop = questions.Select(q => (Hit: stackFaq.Search(q.Question, 1) is [var h, ..] ? h : null, q.RelevantIds)).ToList();
        using var scalingo = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.ScalingoArticles), "en");
        var scalingoTop = ScalingoQuestions.Select(q => scalingo.Search(q, 1) is [var h, ..] ? h : null).ToList();
        var offTopicScalingo = OffTopicQuestions.Select(q => scalingo.Search(q, 1) is [var h, ..] ? h : null).ToList();
        var offTopicStack = OffTopicQuestions.Select(q => stackFaq.Search(q, 1) is [var h, ..] ? h : null).ToList();

        Console.WriteLine();
        Console.WriteLine("confidence of the best hit passing a threshold (share of questions):");
        Console.WriteLine("threshold  stackfaq  stackfaq-right  stackfaq-wrong  scalingo-in  offtopic-scalingo  offtopic-stackfaq");
        foreach (var threshold in new[] { 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7 })
        {
            var right = stackTop.Where(t => t.Hit is not null && t.RelevantIds.Contains(t.Hit.Article.Id)).ToList();
            var wrong = stackTop.Where(t => t.Hit is null || !t.RelevantIds.Contains(t.Hit.Article.Id)).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{threshold,9:F2}  {Share(stackTop.Select(t => t.Hit), threshold),8:P0}  {Share(right.Select(t => t.Hit), threshold),14:P0}  {Share(wrong.Select(t => t.Hit), threshold),14:P0}  {Share(scalingoTop, threshold),11:P0}  {Share(offTopicScalingo, threshold),17:P0}  {Share(offTopicStack, threshold),17:P0}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"default MinConfidence: {RetrievalDefaults.MinConfidence}"));
        Console.WriteLine();
        Console.WriteLine("off-topic questions on scalingo (best hit, confidence):");
        foreach (var (question, hit) in OffTopicQuestions.Zip(offTopicScalingo))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {hit?.Confidence ?? 0:F2}  {question}  -> {hit?.Article.Id}"));
        }
        Console.WriteLine("in-domain questions on scalingo (best hit, confidence):");
        foreach (var (question, hit) in ScalingoQuestions.Zip(scalingoTop))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {hit?.Confidence ?? 0:F2}  {question}  -> {hit?.Article.Id}"));
        }
    }

    /// <summary>Prints the top hits on Scalingo for the given questions (or the built-in ones): a
    /// look at what the ranking does on a real help center, which has no labels.</summary>
    public static Task RunScalingoAsync(string[] questions)
    {
        var articles = ArticleFile.Load(CorpusPaths.ScalingoArticles);
        if (questions is ["--text", var id])
        {
            Console.WriteLine(MarkdownText.ToPlainText(articles.Single(a => a.Id == id).Content));
            return Task.CompletedTask;
        }
        using var index = ArticleIndex.Build(articles, "en");
        foreach (var question in questions.Length > 0 ? questions : ScalingoQuestions)
        {
            Console.WriteLine(question);
            var hits = index.Search(question, 3);
            foreach (var hit in hits)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {hit.Score,6:F2} {hit.Confidence:F2} {hit.Article.Id} | {hit.Article.Title}"));
            }
            if (hits.Count > 0)
            {
                var passage = PassageExtractor.Best(hits[0].Article, question, "en", 300);
                Console.WriteLine($"  > {passage.ReplaceLineEndings(" / ")}");
            }
        }
        return Task.CompletedTask;
    }

    private static double Share(IEnumerable<SearchHit?> hits, double threshold)
    {
        var list = hits.ToList();
        return list.Count == 0 ? 0 : list.Count(h => h is not null && h.Confidence >= threshold) / (double)list.Count;
    }

    /// <summary>Sweeps the ranking knobs on StackFAQ; the best row becomes <see cref="RetrievalTuning.Default"/>.</summary>
    public static Task RunTuningAsync()
    {
        var questions = RetrievalEvaluation.LoadQuestions(CorpusPaths.StackFaqQuestions);
        var articles = ArticleFile.Load(CorpusPaths.StackFaqArticles);
        var results = new List<(RetrievalTuning Tuning, RetrievalQuality Quality)>();
        foreach (var (stemmer, stopWords) in new[] { (EnglishStemmer.Porter, true), (EnglishStemmer.Porter, false), (EnglishStemmer.KStem, true), (EnglishStemmer.None, true) })
        {
            foreach (var disMax in new[] { true, false })
            {
                foreach (var titleBoost in new[] { 1f, 1.5f, 2f, 3f })
                {
                    foreach (var (k1, b) in new[] { (1.2f, 0.75f), (0.9f, 0.4f), (1.5f, 0.75f), (1.2f, 0.5f), (2f, 0.75f), (1.2f, 0.9f) })
                    {
                        foreach (var tie in disMax ? new[] { 0.3f, 0.6f } : [0f])
                        {
                            var tuning = RetrievalTuning.Default with
                            {
                                EnglishStemmer = stemmer,
                                QuestionStopWords = stopWords,
                                PerTermDisMax = disMax,
                                TitleBoost = titleBoost,
                                K1 = k1,
                                B = b,
                                TieBreaker = tie,
                            };
                            using var index = ArticleIndex.Build(articles, "en", tuning);
                            results.Add((tuning, RetrievalEvaluation.Measure(index, questions)));
                        }
                    }
                }
            }
        }
        foreach (var (tuning, quality) in results.OrderByDescending(r => r.Quality.RecallAt3).ThenByDescending(r => r.Quality.MrrAt10).Take(25))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"r@1 {quality.RecallAt1:F3} r@3 {quality.RecallAt3:F3} mrr {quality.MrrAt10:F3}  {tuning.EnglishStemmer} stop+={tuning.QuestionStopWords} dismax={tuning.PerTermDisMax} tie={tuning.TieBreaker} title={tuning.TitleBoost} k1={tuning.K1} b={tuning.B}"));
        }
        return Task.CompletedTask;
    }

    public static Task RunLatencyAsync()
    {
        var source = ArticleFile.Load(CorpusPaths.ScalingoArticles);
        var questions = RetrievalEvaluation.LoadQuestions(CorpusPaths.StackFaqQuestions)
            .Select(q => q.Question)
            .Where((_, i) => i % 5 == 0)
            .Concat(ScalingoQuestions)
            .ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{questions.Length} questions (a fifth of StackFAQ's and {ScalingoQuestions.Length} Scalingo ones), top 5; articles replicated from Scalingo's {source.Count}"));
        Console.WriteLine("articles    build     articles-heap  index-heap  p50 search  p99 search  p50 with context  p99 with context");
        foreach (var size in new[] { 300, 3_000, 30_000 })
        {
            var empty = ManagedHeap();
            var articles = Replicate(source, size);
            var withArticles = ManagedHeap();
            var clock = Stopwatch.StartNew();
            using var index = ArticleIndex.Build(articles, "en");
            var build = clock.Elapsed;
            var withIndex = ManagedHeap();

            // Warm-up: JIT tiering and Lucene's per-term caches, so the figures are steady state.
            for (var pass = 0; pass < 5; pass++)
            {
                Measure(questions, q => index.Search(q, 5, pass % 2 == 0 ? null : q));
            }
            var plain = Measure(questions, q => index.Search(q, 5));
            var followUp = Measure(questions, q => index.Search(q, 5, "I deployed my Node.js app yesterday and it crashes on start"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,8:N0}  {build.TotalSeconds,6:F2} s  {(withArticles - empty) / 1048576.0,10:F1} MB  {(withIndex - withArticles) / 1048576.0,7:F1} MB  {plain.P50,7:F3} ms  {plain.P99,7:F3} ms  {followUp.P50,13:F3} ms  {followUp.P99,13:F3} ms"));
            GC.KeepAlive(articles);
        }
        Console.WriteLine("articles-heap: the Article records (Markdown text; the first 317 were loaded before measuring); index-heap: what the index adds (Lucene RAMDirectory, reader, id map), after full collections.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"process working set at the end: {Environment.WorkingSet / 1048576.0:F0} MB"));
        return Task.CompletedTask;
    }

    private static long ManagedHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static (double P50, double P99) Measure(string[] questions, Action<string> search)
    {
        var timings = new double[questions.Length];
        for (var i = 0; i < questions.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            search(questions[i]);
            timings[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(timings);
        return (Percentile(timings, 0.50), Percentile(timings, 0.99));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// A larger help center from the real one: copies get their own ids, a numbered title and their
    /// paragraphs rotated, so term statistics and document lengths vary a little as in a real set.
    /// </summary>
    internal static List<Article> Replicate(IReadOnlyList<Article> source, int size)
    {
        var articles = new List<Article>(size);
        for (var i = 0; i < size; i++)
        {
            var original = source[i % source.Count];
            var copy = i / source.Count;
            if (copy == 0)
            {
                articles.Add(original);
                continue;
            }
            var paragraphs = original.Content.Split("\n\n");
            var shift = copy % paragraphs.Length;
            var content = string.Join("\n\n", paragraphs[shift..].Concat(paragraphs[..shift]));
            articles.Add(original with
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"{original.Id}~{copy}"),
                Title = string.Create(CultureInfo.InvariantCulture, $"{original.Title} (edition {copy})"),
                Content = content,
            });
        }
        return articles;
    }
}
