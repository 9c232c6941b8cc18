using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Bot;
using SupportRelay.Cli;
using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Bench;

/// <summary>
/// Fits the answer model (<see cref="AnswerModel"/>) on the tuning half of <c>corpus/scalingo/questions.jsonl</c>
/// and writes it to <c>models/decision/</c>: the coefficients the program ships, the training rows, and the figures
/// on both halves. Run from the repository root: <c>dotnet run -c Release --project bench/SupportRelay.Bench -- decisions-fit</c>.
/// The held-out half is only measured, never fitted on.
/// </summary>
internal static class DecisionFit
{
    /// <summary>
    /// What a wrong answer costs, counted in needless handoffs, when no LLM judges the passage: it is a wrong
    /// decision and it costs the customer the time to read it and ask again. The threshold without a model is the
    /// one that makes the fewest such costs on the tuning half.
    /// </summary>
    private const double WrongAnswerCost = 2;

    /// <summary>Share of the answerable messages whose right article is among the three the LLM gets that the gate must let through.</summary>
    private const double ModelRecall = 0.99;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Articles the answer is written from (<c>Bot:TopArticles</c>'s default).</summary>
    private const int TopArticles = 3;

    public static async Task RunAsync(string[] args)
    {
        var output = args.Length > 0 ? args[0] : Path.Combine(Environment.CurrentDirectory, "models", "decision");
        Directory.CreateDirectory(output);
        var messages = DecisionEvaluation.Load(CorpusPaths.ScalingoQuestions);
        using var index = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.ScalingoArticles), "en");
        var report = new StringBuilder();
        var variants = new Dictionary<string, AnswerModelVariant>(StringComparer.Ordinal);
        foreach (var (name, embeddings) in new[] { ("bm25", "none"), ("hybrid", "embedded") })
        {
            var candidates = await CandidatesAsync(index, messages, embeddings);
            var (variant, figures) = Fit(name, messages, candidates, output);
            variants[name] = variant;
            report.Append(figures);
            Console.Write(figures);
        }

        var file = new AnswerModelFile(variants["bm25"], variants["hybrid"],
            string.Create(CultureInfo.InvariantCulture, $"bench -- decisions-fit, tuning half of corpus/scalingo/questions.jsonl ({messages.Count(m => m.Split == "tune")} messages)"));
        await File.WriteAllTextAsync(Path.Combine(output, "coefficients.json"),
            JsonSerializer.Serialize(file, Indented) + "\n");
        await File.WriteAllTextAsync(Path.Combine(output, "fit.txt"), report.ToString());
        Console.WriteLine($"wrote {Path.Combine(output, "coefficients.json")}, fit.txt and the training rows");
    }

    /// <summary>Every message's candidates, from the program's own retrieval (as the bot runs it: greeting stripped, last two customer messages as context).</summary>
    private static async Task<Dictionary<string, RankedCandidates>> CandidatesAsync(ArticleIndex index, IReadOnlyList<LabelledMessage> messages, string embeddings)
    {
        var database = Path.Combine(Path.GetTempPath(), $"supportrelay-fit-{Guid.NewGuid():N}.db");
        using var host = CommandLineApp.BuildHost(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={database}",
            ["Retrieval:Embeddings"] = embeddings,
            ["Retrieval:IndexingWait"] = "01:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        var retriever = host.Services.GetRequiredService<ArticleRetriever>();
        var intents = host.Services.GetRequiredService<MessageIntent>();
        var scope = new ArticleScope(index, "en", "file:articles.jsonl");
        var result = new Dictionary<string, RankedCandidates>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            var context = string.Join('\n', message.History.TakeLast(2));
            result[message.Id] = await retriever.CandidatesAsync(scope, intents.WithoutGreeting(message.Question), TopArticles,
                context.Length == 0 ? null : context, null, CancellationToken.None);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(database);
        return result;
    }

    private static (AnswerModelVariant Variant, string Figures) Fit(string name, IReadOnlyList<LabelledMessage> messages,
        Dictionary<string, RankedCandidates> candidates, string output)
    {
        var semantic = name == "hybrid";
        var rankerFeatures = semantic ? AnswerFeatures.HybridRanker : AnswerFeatures.LexicalRanker;
        var decisionFeatures = semantic ? AnswerFeatures.HybridDecision : AnswerFeatures.LexicalDecision;
        var tune = messages.Where(m => m.Split == "tune").ToList();

        // The ranker: one row per candidate of each answerable tuning message, labelled by whether it answers.
        var rankerRows = new List<double[]>();
        var rankerLabels = new List<bool>();
        foreach (var message in tune.Where(m => m.Kind == QuestionKinds.Answerable))
        {
            var hits = candidates[message.Id].Hits;
            foreach (var hit in hits)
            {
                rankerRows.Add(AnswerFeatures.Ranker(hit, hits, semantic));
                rankerLabels.Add(message.Articles.Contains(hit.Article.Id, StringComparer.Ordinal));
            }
        }

        var ranker = LogisticModel.Fit(rankerFeatures, rankerRows, rankerLabels);
        WriteRows(Path.Combine(output, $"ranker-{name}-tune.csv"), rankerFeatures, rankerRows, rankerLabels);
        var untrained = new AnswerModelVariant(ranker, new LogisticModel([], [], [], [], 0), new AnswerThresholds(0, 0));
        var model = new AnswerModel(new AnswerModelFile(untrained, untrained, ""));

        // The decision: one row per message that reaches retrieval (requests for a person are the intent's to catch).
        IReadOnlyList<SearchHit> Ranked(LabelledMessage m) => model.Rank(candidates[m.Id]);
        var decisionRows = new List<double[]>();
        var decisionLabels = new List<bool>();
        foreach (var message in tune.Where(m => m.Kind != QuestionKinds.Person))
        {
            var ranked = Ranked(message);
            if (ranked.Count == 0)
            {
                continue;
            }

            decisionRows.Add(AnswerFeatures.Decision(message.Question, ranked, [.. ranked.Select(h => h.Score)], semantic));
            decisionLabels.Add(message.Kind == QuestionKinds.Answerable && message.Articles.Contains(ranked[0].Article.Id, StringComparer.Ordinal));
        }

        var decision = LogisticModel.Fit(decisionFeatures, decisionRows, decisionLabels);
        WriteRows(Path.Combine(output, $"decision-{name}-tune.csv"), decisionFeatures, decisionRows, decisionLabels);

        // Each message's standing under the fitted model, on both halves.
        var scored = messages.Where(m => m.Kind != QuestionKinds.Person).Select(m =>
        {
            var ranked = Ranked(m);
            var probability = ranked.Count == 0 ? 0 : decision.Probability(AnswerFeatures.Decision(m.Question, ranked, [.. ranked.Select(h => h.Score)], semantic));
            return (Message: m, Probability: probability,
                Top1: ranked.Count > 0 && m.Articles.Contains(ranked[0].Article.Id, StringComparer.Ordinal),
                Top3: ranked.Take(TopArticles).Any(h => m.Articles.Contains(h.Article.Id, StringComparer.Ordinal)));
        }).ToList();

        var withoutModel = ChooseWithoutModel(scored.Where(s => s.Message.Split == "tune").Select(s => (s.Probability, s.Top1, s.Message.Kind)).ToList());
        var withModel = ChooseWithModel(scored.Where(s => s.Message.Split == "tune" && s.Message.Kind == QuestionKinds.Answerable && s.Top3).Select(s => s.Probability).ToList());
        var thresholds = new AnswerThresholds(Math.Round(withoutModel, 3), Math.Round(withModel, 3));

        var figures = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"== {name}");
        foreach (var split in new[] { "tune", "heldout" })
        {
            var answerable = messages.Where(m => m.Split == split && m.Kind == QuestionKinds.Answerable).ToList();
            var before = answerable.Count(m => candidates[m.Id].Hits is { Count: > 0 } hits && m.Articles.Contains(hits[0].Article.Id, StringComparer.Ordinal));
            var after = scored.Count(s => s.Message.Split == split && s.Message.Kind == QuestionKinds.Answerable && s.Top1);
            var top3 = scored.Count(s => s.Message.Split == split && s.Message.Kind == QuestionKinds.Answerable && s.Top3);
            figures.AppendLine(CultureInfo.InvariantCulture,
                $"{split,-8} answerable {answerable.Count}: right article first {before} before the ranker, {after} after ({(double)after / answerable.Count:F3}); in the top 3 {top3} ({(double)top3 / answerable.Count:F3})");
            var rows = scored.Where(s => s.Message.Split == split).ToList();
            figures.AppendLine(CultureInfo.InvariantCulture, $"{split,-8} decision AUC {Auc(rows.Select(r => (r.Probability, r.Message.Kind == QuestionKinds.Answerable && r.Top1)).ToList()):F3}");
            foreach (var (label, t) in new[] { ("without an LLM", thresholds.WithoutModel), ("with an LLM", thresholds.WithModel) })
            {
                var passed = rows.Where(r => r.Probability >= t).ToList();
                var right = passed.Count(r => r.Message.Kind == QuestionKinds.Answerable && r.Top1);
                figures.AppendLine(CultureInfo.InvariantCulture,
                    $"{split,-8} {label} (p >= {t:F3}): {passed.Count} of {rows.Count} pass; {right} from the right article, {passed.Count - right} not ({(passed.Count == 0 ? 0 : 100.0 * (passed.Count - right) / passed.Count):F1} %); answerable with the right article in the top 3 kept from the model: {rows.Count(r => r.Message.Kind == QuestionKinds.Answerable && r.Top3 && r.Probability < t)}");
            }
        }

        figures.AppendLine("threshold table, tuning half (right = answered from the right article, or handed off when not answerable):");
        figures.AppendLine("   p >=   answered  wrong  wrong %  right decisions");
        var tuneRows = scored.Where(r => r.Message.Split == "tune").ToList();
        var persons = messages.Count(m => m.Split == "tune" && m.Kind == QuestionKinds.Person);
        foreach (var t in new[] { 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95 })
        {
            var passed = tuneRows.Where(r => r.Probability >= t).ToList();
            var right = passed.Count(r => r.Message.Kind == QuestionKinds.Answerable && r.Top1);
            var handedRight = tuneRows.Count(r => r.Probability < t && r.Message.Kind != QuestionKinds.Answerable);
            figures.AppendLine(CultureInfo.InvariantCulture,
                $"   {t,4:F2}  {passed.Count,9}  {passed.Count - right,5}  {(passed.Count == 0 ? 0 : 100.0 * (passed.Count - right) / passed.Count),6:F1}  {(double)(right + handedRight + persons) / (tuneRows.Count + persons),15:F3}");
        }

        figures.AppendLine("ranker weights (standardized): " + string.Join(", ", ranker.Features.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"{f} {ranker.Weights[i]:F2}"))));
        figures.AppendLine("decision weights (standardized): " + string.Join(", ", decision.Features.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"{f} {decision.Weights[i]:F2}"))));
        return (new AnswerModelVariant(ranker, decision, thresholds), figures.ToString());
    }

    /// <summary>
    /// The threshold with the smallest cost on the tuning half: a needless handoff (an answerable message handed
    /// off) costs 1, a wrong answer (from a wrong article, or to a message the articles do not answer)
    /// <see cref="WrongAnswerCost"/>. Precision first, without pretending that a handoff is free.
    /// </summary>
    private static double ChooseWithoutModel(List<(double Probability, bool Top1, string Kind)> rows)
    {
        var best = (Threshold: 0.5, Cost: double.MaxValue);
        for (var t = 0.05; t < 1; t += 0.01)
        {
            var cost = rows.Sum(r => r.Probability >= t
                ? r.Kind == QuestionKinds.Answerable && r.Top1 ? 0 : WrongAnswerCost
                : r.Kind == QuestionKinds.Answerable ? 1 : 0);
            if (cost < best.Cost)
            {
                best = (t, cost);
            }
        }

        return best.Threshold;
    }

    /// <summary>The highest threshold that still lets <see cref="ModelRecall"/> of the answerable messages with their article in the top 3 reach the model.</summary>
    private static double ChooseWithModel(List<double> probabilities)
    {
        var sorted = probabilities.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[(int)Math.Floor((1 - ModelRecall) * sorted.Count)];
    }

    /// <summary>The probability that a random positive scores above a random negative.</summary>
    private static double Auc(List<(double Score, bool Positive)> rows)
    {
        var positives = rows.Where(r => r.Positive).Select(r => r.Score).ToList();
        var negatives = rows.Where(r => !r.Positive).Select(r => r.Score).ToList();
        if (positives.Count == 0 || negatives.Count == 0)
        {
            return 0;
        }

        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / (positives.Count * (double)negatives.Count);
    }

    private static void WriteRows(string path, IReadOnlyList<string> features, List<double[]> rows, List<bool> labels)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        writer.WriteLine(string.Join(',', features.Append("label")));
        for (var i = 0; i < rows.Count; i++)
        {
            writer.WriteLine(string.Join(',', rows[i].Select(v => v.ToString("G6", CultureInfo.InvariantCulture)).Append(labels[i] ? "1" : "0")));
        }
    }
}
