using System.Globalization;

namespace SupportRelay.Retrieval;

/// <summary>
/// The features of the learned ranker (one row per candidate article) and of the answer decision (one row per
/// question), computed the same way when the model is fitted (<c>bench -- decisions-fit</c>) and when it runs.
/// </summary>
public static class AnswerFeatures
{
    public static readonly string[] LexicalRanker = ["bm25_relative", "bm25_reciprocal_rank", "log_bm25", "coverage", "title_coverage", "passage_relative", "passage_reciprocal_rank"];

    public static readonly string[] HybridRanker = [.. LexicalRanker, "semantic", "semantic_gap", "semantic_reciprocal_rank"];

    public static readonly string[] LexicalDecision = ["top_logit", "margin", "top_coverage", "top_title_coverage", "words", "question_form"];

    public static readonly string[] HybridDecision = [.. LexicalDecision, "top_semantic", "semantic_margin"];

    private static readonly HashSet<string> QuestionWords = new(StringComparer.Ordinal)
    {
        "how", "what", "where", "why", "when", "which", "who", "can", "could", "is", "are", "does", "do", "should", "will", "would", "may",
        "comment", "pourquoi", "quand", "est-ce", "quel", "quelle", "où", "puis-je", "wie", "was", "wo", "warum", "wann", "kann", "gibt",
        "cómo", "como", "qué", "que", "dónde", "donde", "puedo", "come", "cosa", "dove", "posso", "hoe", "wat", "waar", "kan",
    };

    /// <summary>One candidate's ranker row; <paramref name="candidates"/> is the whole candidate list (for relative scores).</summary>
    public static double[] Ranker(SearchHit hit, IReadOnlyList<SearchHit> candidates, bool semantic)
    {
        ArgumentNullException.ThrowIfNull(hit);
        ArgumentNullException.ThrowIfNull(candidates);
        var s = hit.Signals ?? new HitSignals(hit.Score, 1, hit.Confidence, 0);
        var bestBm25 = candidates.Max(c => c.Signals?.Bm25 ?? 0);
        var bestPassage = candidates.Max(c => c.Signals?.PassageBm25 ?? 0);
        double[] lexical =
        [
            bestBm25 > 0 ? s.Bm25 / bestBm25 : 0,
            s.Bm25Rank > 0 ? 1.0 / s.Bm25Rank : 0,
            Math.Log(1 + s.Bm25),
            s.Coverage,
            s.TitleCoverage,
            bestPassage > 0 ? s.PassageBm25 / bestPassage : 0,
            s.PassageRank > 0 ? 1.0 / s.PassageRank : 0,
        ];
        if (!semantic)
        {
            return lexical;
        }

        var bestSemantic = candidates.Max(c => c.Signals?.Semantic ?? 0);
        var similarity = s.Semantic ?? 0;
        return [.. lexical, similarity, similarity - bestSemantic, s.SemanticRank > 0 ? 1.0 / s.SemanticRank : 0];
    }

    /// <summary>The question's decision row, from the reranked hits (best first) and their ranker logits.</summary>
    public static double[] Decision(string question, IReadOnlyList<SearchHit> ranked, IReadOnlyList<double> logits, bool semantic)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(logits);
        var top = ranked[0].Signals ?? new HitSignals(ranked[0].Score, 1, ranked[0].Confidence, 0);
        var words = Words(question);
        double[] row =
        [
            logits[0],
            logits.Count > 1 ? logits[0] - logits[1] : 5,
            top.Coverage,
            top.TitleCoverage,
            Math.Log(1 + words.Count),
            IsQuestionForm(question, words) ? 1 : 0,
        ];
        if (!semantic)
        {
            return row;
        }

        var second = ranked.Skip(1).Select(h => h.Signals?.Semantic ?? 0).DefaultIfEmpty(0).Max();
        return [.. row, top.Semantic ?? 0, (top.Semantic ?? 0) - second];
    }

    private static bool IsQuestionForm(string question, List<string> words) =>
        question.Contains('?', StringComparison.Ordinal) || (words.Count > 0 && QuestionWords.Contains(words[0]));

    private static List<string> Words(string text) =>
        [.. text.Split((char[])[' ', '\t', '\n', '\r', ',', '.', '!', ';', ':', '(', ')', '"'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.ToLower(CultureInfo.InvariantCulture))];
}
