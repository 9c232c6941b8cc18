using Lucene.Net.Search.Similarities;

namespace SupportRelay.Retrieval;

/// <summary>
/// The ranking knobs, kept together so the benchmark can sweep them. <see cref="Default"/> holds
/// the values measured on the StackFAQ benchmark (<c>bench retrieval-tune</c> sweeps stemmer,
/// field combination, title boost, k1 and b). Summing the fields beat a per-term dis-max, Porter
/// beat KStem and no stemming, and title boost 1.5 with k1 1.2–2, b 0.75 formed a plateau
/// (recall@3 0.925–0.929); k1 1.5 sits in its middle rather than on the best single point, which
/// a 125-article set cannot tell from noise. Dropping question words ("how", "do", "I") cost
/// 0.006 recall@3 and blurred the confidence of off-topic questions, so the index keeps Lucene's
/// English stop set and only passage extraction uses the longer one.
/// </summary>
internal sealed record RetrievalTuning(
    float TitleBoost,
    float DescriptionBoost,
    float K1,
    float B,
    float TieBreaker,
    bool PerTermDisMax,
    EnglishStemmer EnglishStemmer,
    bool QuestionStopWords)
{
    public static RetrievalTuning Default { get; } = new(
        TitleBoost: 1.5f,
        // A description is a summary written like a title; StackFAQ has none to measure it on.
        DescriptionBoost: 1.5f,
        K1: 1.5f,
        B: 0.75f,
        TieBreaker: 0.6f,
        PerTermDisMax: false,
        EnglishStemmer: EnglishStemmer.Porter,
        QuestionStopWords: false);

    public Similarity Similarity() => new BM25Similarity(K1, B);
}
