namespace SupportRelay.Retrieval;

/// <summary>The candidate articles of one question, and the mode whose signals they carry (BM25 alone, or BM25 and meaning).</summary>
public sealed record RankedCandidates(IReadOnlyList<SearchHit> Hits, RetrievalMode Mode)
{
    public bool HasSemantic => Mode != RetrievalMode.Bm25;
}
