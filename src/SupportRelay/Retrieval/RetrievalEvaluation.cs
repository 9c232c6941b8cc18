using System.Text.Json;

namespace SupportRelay.Retrieval;

/// <summary>A benchmark question and the ids of the articles that answer it.</summary>
internal sealed record LabeledQuestion(string Id, string Question, IReadOnlyList<string> RelevantIds);

/// <summary>Ranking quality over a labelled question set; 1.0 is perfect.</summary>
internal sealed record RetrievalQuality(int Questions, double RecallAt1, double RecallAt3, double MrrAt10);

/// <summary>
/// Measures an index against labelled questions (the StackFAQ format), shared by the quality test
/// and the benchmark so both report the same figures.
/// </summary>
internal static class RetrievalEvaluation
{
    public static IReadOnlyList<LabeledQuestion> LoadQuestions(string path)
    {
        var questions = new List<LabeledQuestion>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            questions.Add(new LabeledQuestion(
                root.GetProperty("qid").GetString() ?? string.Empty,
                root.GetProperty("question").GetString() ?? string.Empty,
                [.. root.GetProperty("relevant_ids").EnumerateArray().Select(id => id.ToString())]));
        }
        return questions;
    }

    /// <summary>
    /// Recall@k counts a question as found when any relevant article ranks in the first k
    /// (StackFAQ has one relevant article per question, so this is also success@k).
    /// </summary>
    public static RetrievalQuality Measure(ArticleIndex index, IReadOnlyList<LabeledQuestion> questions) =>
        Measure(q => index.Search(q.Question, 10), questions);

    /// <summary>Measures any ranking: <paramref name="search"/> gives a question's top 10, best first.</summary>
    public static RetrievalQuality Measure(Func<LabeledQuestion, IReadOnlyList<SearchHit>> search, IReadOnlyList<LabeledQuestion> questions)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(questions);
        double at1 = 0, at3 = 0, reciprocal = 0;
        foreach (var question in questions)
        {
            var rank = RankOfFirstRelevant(search(question), question.RelevantIds);
            if (rank == 1)
            {
                at1++;
            }
            if (rank is >= 1 and <= 3)
            {
                at3++;
            }
            if (rank >= 1)
            {
                reciprocal += 1.0 / rank;
            }
        }
        var count = Math.Max(questions.Count, 1);
        return new RetrievalQuality(questions.Count, at1 / count, at3 / count, reciprocal / count);
    }

    private static int RankOfFirstRelevant(IReadOnlyList<SearchHit> hits, IReadOnlyList<string> relevant)
    {
        for (var i = 0; i < hits.Count; i++)
        {
            if (relevant.Contains(hits[i].Article.Id, StringComparer.Ordinal))
            {
                return i + 1;
            }
        }
        return 0;
    }
}
