namespace SupportRelay.Retrieval;

/// <summary>Retrieval constants the bot's options default to.</summary>
public static class RetrievalDefaults
{
    /// <summary>
    /// Below this <see cref="SearchHit.Confidence"/> of the best hit the bot hands off instead of
    /// answering. Measured with <c>bench retrieval-scalingo</c> (share of questions whose best hit
    /// passes): at 0.5, 70% of StackFAQ's deliberately reworded questions (75% of those ranked right,
    /// 49% of those ranked wrong), 19 of 20 plain Scalingo questions, and 1 of 12 off-topic ones on
    /// Scalingo ("what is the capital of Australia", through "capitalize"). 0.45 passes 77% of
    /// StackFAQ with the same off-topic leak; 0.6 hands off half of StackFAQ. With an LLM the model
    /// still says whether the articles answer, so the threshold only has to catch the plainly off-topic.
    /// </summary>
    public const double MinConfidence = 0.5;

    /// <summary>Weight of a term from earlier customer messages, relative to the question's (1).</summary>
    public const float ContextWeight = 0.25f;

    /// <summary>
    /// Weight of a context term in the confidence: enough that a follow-up on the same subject passes
    /// the threshold, too little for the context alone to carry a question on a new subject.
    /// </summary>
    public const double ContextConfidenceWeight = 0.5;

    /// <summary>
    /// The hybrid mode's ordering. Measured with <c>bench retrieval-quality</c> on StackFAQ with
    /// all-MiniLM-L6-v2 (tools/MiniLmEmbeddingServer): BM25 recall@1 0.793, recall@3 0.928, MRR@10 0.864;
    /// semantic alone 0.881, 0.970, 0.924; reciprocal rank fusion (k 10 to 60) 0.873–0.876, 0.970–0.972,
    /// 0.923–0.925, no better than semantic alone, because it weighs a rank of the weaker BM25 as much as
    /// one of the stronger semantic side; the weighted blend 0.907–0.910, 0.983–0.985, 0.945–0.947 for
    /// w 0.6–0.8 (0.898, 0.978, 0.939 at 0.5; 0.893, 0.974, 0.935 at 0.9). So: weighted, w 0.7, the
    /// middle of that plateau. Another model may move the plateau: the benchmark prints the sweep.
    /// </summary>
    public const string Fusion = "weighted";

    /// <summary>Share of the semantic side in the weighted blend (and in a blended confidence).</summary>
    public const double SemanticWeight = 0.7;

    /// <summary>The customary k of reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009).</summary>
    public const int RrfK = 60;

    /// <summary>Cosine similarity mapped to confidence 0.</summary>
    public const double SemanticFloor = 0.2;

    /// <summary>Cosine similarity mapped to confidence 1.</summary>
    public const double SemanticCeiling = 0.7;

    /// <summary>
    /// The hybrid confidence is the larger of BM25's and the calibrated semantic one, rather than a blend:
    /// a paraphrase that shares no word with its article must be able to pass the threshold on meaning
    /// alone. Measured (MiniLM, threshold 0.5): 97% of StackFAQ questions ranked right pass (BM25 alone:
    /// 75%), 19 of 20 Scalingo questions, and 1 of 12 off-topic ones, the same one BM25 alone lets
    /// through ("capital" of Australia); a 0.5/0.5 blend passes 93% and no off-topic question, but only
    /// at a lower threshold (0.4) than BM25 alone needs, and the threshold is shared by both modes.
    /// </summary>
    public const bool ConfidenceByMax = true;

    /// <summary>How many articles each ranking contributes to the fusion.</summary>
    public const int CandidatePool = 50;
}
