using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;

namespace SupportRelay.Tests.Retrieval;

public sealed class FusionTests
{
    private static readonly Article A = new("a", "A", "");
    private static readonly Article B = new("b", "B", "");
    private static readonly Article C = new("c", "C", "");

    private static FusionSettings Settings(bool weighted, double w = 0.7, bool byMax = true) => new(weighted, w, 60, 0.2, 0.7, byMax);

    [Fact]
    public void Semantic_confidence_is_linear_between_the_floor_and_the_ceiling()
    {
        var settings = Settings(weighted: true);

        Assert.Equal(0, Fusion.SemanticConfidence(0.1, settings));
        Assert.Equal(0.5, Fusion.SemanticConfidence(0.45, settings), 6);
        Assert.Equal(1, Fusion.SemanticConfidence(0.9, settings));
    }

    [Fact]
    public void Reciprocal_rank_fusion_favours_an_article_both_rankings_place_high()
    {
        // BM25: A, B; semantic: C, B. B is second in both: 2 / 62 beats 1 / 61 alone.
        IReadOnlyList<SearchHit> lexical = [new(A, 10, 0.8), new(B, 9, 0.6)];
        IReadOnlyList<SemanticHit> semantic = [new(C, 0.6), new(B, 0.55)];

        var fused = Fusion.Fuse(lexical, semantic, Settings(weighted: false), 3);

        Assert.Equal(["b", "a", "c"], fused.Select(h => h.Article.Id));
        Assert.Equal(2.0 / 62, fused[0].Score, 9);
    }

    [Fact]
    public void The_weighted_blend_follows_the_scores_not_only_the_ranks()
    {
        // A leads BM25 by far; C leads the semantic side by a little: with w 0.3, A wins; with w 0.9, C wins.
        IReadOnlyList<SearchHit> lexical = [new(A, 10, 0.9), new(C, 1, 0.1)];
        IReadOnlyList<SemanticHit> semantic = [new(C, 0.65), new(A, 0.6)];

        Assert.Equal("a", Fusion.Fuse(lexical, semantic, Settings(weighted: true, w: 0.3), 1)[0].Article.Id);
        Assert.Equal("c", Fusion.Fuse(lexical, semantic, Settings(weighted: true, w: 0.9), 1)[0].Article.Id);
    }

    [Fact]
    public void The_confidence_is_the_stronger_side_or_a_blend()
    {
        IReadOnlyList<SearchHit> lexical = [new(A, 10, 0.2)];
        IReadOnlyList<SemanticHit> semantic = [new(A, 0.7)];

        Assert.Equal(1, Fusion.Fuse(lexical, semantic, Settings(weighted: true), 1)[0].Confidence, 6);
        Assert.Equal(0.5 * 1 + 0.5 * 0.2, Fusion.Fuse(lexical, semantic, Settings(weighted: true, w: 0.5, byMax: false), 1)[0].Confidence, 6);
    }

    [Fact]
    public void An_article_only_one_side_found_counts_nothing_from_the_other()
    {
        IReadOnlyList<SemanticHit> semantic = [new(B, 0.45)];

        var fused = Fusion.Fuse([], semantic, Settings(weighted: true), 5);

        Assert.Equal(0.7 * 0.5, Assert.Single(fused).Score, 6);
    }
}
