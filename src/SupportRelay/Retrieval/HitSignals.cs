namespace SupportRelay.Retrieval;

/// <summary>
/// What each ranking said of one article for one question, the inputs of the learned ranker and of the answer
/// decision (<see cref="AnswerModel"/>). Ranks are 1-based; 0 means the ranking did not return the article.
/// </summary>
/// <param name="Bm25">The raw BM25 score (0 when BM25 did not return it).</param>
/// <param name="Coverage">The idf-weighted share of the question's subject terms the article contains (<see cref="SearchHit.Confidence"/> of BM25).</param>
/// <param name="TitleCoverage">The same share counted in the title alone.</param>
/// <param name="Semantic">The cosine similarity of the question to the article's closest chunk, when embeddings ranked it.</param>
public sealed record HitSignals(double Bm25, int Bm25Rank, double Coverage, double TitleCoverage, double? Semantic = null, int SemanticRank = 0)
{
    /// <summary>The BM25 score of the article's best passage for the question (0 when no passage matched).</summary>
    public double PassageBm25 { get; init; }

    /// <summary>The article's rank by its best passage (1-based; 0 when no passage matched).</summary>
    public int PassageRank { get; init; }
}
