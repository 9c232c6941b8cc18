using SupportRelay.HelpCenter;

namespace SupportRelay.Retrieval;

/// <summary>An article ranked by meaning: the cosine similarity of its embedding to the question's.</summary>
public sealed record SemanticHit(Article Article, double Similarity);

/// <summary>The knobs of a fusion, from <see cref="RetrievalOptions"/>.</summary>
/// <param name="ConfidenceByMax">The hybrid confidence is the larger of the two sides' instead of their weighted blend.</param>
public sealed record FusionSettings(bool Weighted, double SemanticWeight, int RrfK, double SemanticFloor, double SemanticCeiling,
    bool ConfidenceByMax = RetrievalDefaults.ConfidenceByMax)
{
    public static FusionSettings From(RetrievalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.Fusion == "weighted", options.SemanticWeight, options.RrfK, options.SemanticFloor, options.SemanticCeiling);
    }
}

/// <summary>
/// Combines the BM25 and the semantic rankings. The order comes from reciprocal rank fusion
/// (<c>Σ 1 / (k + rank)</c>, blind to how far apart the scores are) or from a weighted blend
/// (<c>w × semantic confidence + (1 − w) × BM25 score / best BM25 score</c>). The confidence that the
/// handoff threshold compares is the same whatever the order: the larger of the semantic confidence and
/// BM25's (or their weighted blend), both absolute measures in [0, 1], so an off-topic question stays low
/// however the ranks fall (a rank-based score would give every question's best hit the same value).
/// The measurements behind the defaults are in <see cref="RetrievalDefaults"/>.
/// </summary>
public static class Fusion
{
    /// <summary>A cosine similarity as a confidence in [0, 1], linear between the floor and the ceiling.</summary>
    public static double SemanticConfidence(double similarity, FusionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var span = settings.SemanticCeiling - settings.SemanticFloor;
        return span <= 0 ? (similarity >= settings.SemanticCeiling ? 1 : 0) : Math.Clamp((similarity - settings.SemanticFloor) / span, 0, 1);
    }

    /// <summary>The semantic ranking alone, as search hits: score the similarity, confidence calibrated.</summary>
    public static IReadOnlyList<SearchHit> Semantic(IReadOnlyList<SemanticHit> semantic, FusionSettings settings, int top)
    {
        ArgumentNullException.ThrowIfNull(semantic);
        return [.. semantic.Take(top).Select((h, i) => new SearchHit(h.Article, h.Similarity, SemanticConfidence(h.Similarity, settings))
        {
            Signals = new HitSignals(0, 0, 0, 0, h.Similarity, i + 1),
        })];
    }

    /// <summary>
    /// The two rankings fused, best first, at most <paramref name="top"/>. An article missing from one
    /// ranking contributes nothing from that side (rank ∞, confidence 0).
    /// </summary>
    public static IReadOnlyList<SearchHit> Fuse(IReadOnlyList<SearchHit> lexical, IReadOnlyList<SemanticHit> semantic, FusionSettings settings, int top)
    {
        ArgumentNullException.ThrowIfNull(lexical);
        ArgumentNullException.ThrowIfNull(semantic);
        ArgumentNullException.ThrowIfNull(settings);
        var candidates = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        Candidate For(Article article) =>
            candidates.TryGetValue(article.Id, out var found) ? found : candidates[article.Id] = new Candidate(article);

        var bestLexical = lexical.Count > 0 ? lexical.Max(h => h.Score) : 0;
        for (var i = 0; i < lexical.Count; i++)
        {
            var candidate = For(lexical[i].Article);
            candidate.LexicalRank = i + 1;
            candidate.LexicalScore = bestLexical > 0 ? lexical[i].Score / bestLexical : 0;
            candidate.LexicalConfidence = lexical[i].Confidence;
            candidate.Lexical = lexical[i].Signals;
        }

        for (var i = 0; i < semantic.Count; i++)
        {
            var candidate = For(semantic[i].Article);
            candidate.SemanticRank = i + 1;
            candidate.SemanticConfidence = SemanticConfidence(semantic[i].Similarity, settings);
            candidate.Similarity = semantic[i].Similarity;
        }

        var w = settings.SemanticWeight;
        return [.. candidates.Values
            .Select(c => new SearchHit(
                c.Article,
                settings.Weighted
                    ? (w * c.SemanticConfidence) + ((1 - w) * c.LexicalScore)
                    : Reciprocal(c.LexicalRank, settings.RrfK) + Reciprocal(c.SemanticRank, settings.RrfK),
                settings.ConfidenceByMax
                    ? Math.Max(c.SemanticConfidence, c.LexicalConfidence)
                    : (w * c.SemanticConfidence) + ((1 - w) * c.LexicalConfidence))
            {
                Signals = (c.Lexical ?? new HitSignals(0, 0, 0, 0)) with
                {
                    Semantic = c.SemanticRank == int.MaxValue ? null : c.Similarity,
                    SemanticRank = c.SemanticRank == int.MaxValue ? 0 : c.SemanticRank,
                },
            })
            // Ties (equal fused scores) go to the more confident article, then to BM25's order.
            .OrderByDescending(h => h.Score)
            .ThenByDescending(h => h.Confidence)
            .ThenBy(h => candidates[h.Article.Id].LexicalRank)
            .Take(top)];
    }

    private static double Reciprocal(int rank, int k) => rank == int.MaxValue ? 0 : 1.0 / (k + rank);

    private sealed class Candidate(Article article)
    {
        public Article Article { get; } = article;

        public int LexicalRank { get; set; } = int.MaxValue;

        public double LexicalScore { get; set; }

        public double LexicalConfidence { get; set; }

        public int SemanticRank { get; set; } = int.MaxValue;

        public double SemanticConfidence { get; set; }

        public HitSignals? Lexical { get; set; }

        public double Similarity { get; set; }
    }
}
