using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Retrieval;

/// <summary>How articles are ranked.</summary>
public enum RetrievalMode
{
    /// <summary>Lucene BM25 on words alone.</summary>
    Bm25,

    /// <summary>Cosine similarity of embeddings alone.</summary>
    Semantic,

    /// <summary>BM25 and embeddings fused (<see cref="RetrievalOptions.Fusion"/>).</summary>
    Hybrid,
}

/// <summary>Where article and question embeddings come from.</summary>
public enum EmbeddingSource
{
    /// <summary>No embeddings: BM25 alone.</summary>
    None,

    /// <summary>all-MiniLM-L6-v2 inside the service (ONNX Runtime); English.</summary>
    Embedded,

    /// <summary><c>Llm:EmbeddingModel</c> on an OpenAI-compatible endpoint.</summary>
    Endpoint,
}

/// <summary>
/// The <c>Retrieval</c> configuration section: how BM25 and embeddings (<c>Llm:EmbeddingModel</c>) are
/// combined, and how a cosine similarity becomes a confidence the handoff threshold
/// (<c>Bot:MinConfidence</c>) can compare.
/// </summary>
public sealed class RetrievalOptions
{
    public const string SectionName = "Retrieval";

    /// <summary>
    /// <c>bm25</c>, <c>semantic</c> or <c>hybrid</c>; empty (the default): <c>hybrid</c> when
    /// <c>Llm:EmbeddingModel</c> is set, else <c>bm25</c>. Semantic modes need an embedding model.
    /// </summary>
    [RegularExpression("^(|bm25|semantic|hybrid)$", ErrorMessage = "Retrieval:Mode must be bm25, semantic or hybrid.")]
    public string Mode { get; set; } = "";

    /// <summary>
    /// <c>none</c>, <c>embedded</c> (all-MiniLM-L6-v2 inside the service, no endpoint) or <c>endpoint</c>
    /// (<c>Llm:EmbeddingModel</c>); unset: <c>endpoint</c> when <c>Llm:EmbeddingModel</c> is set, else <see cref="DefaultEmbeddings"/>.
    /// </summary>
    public EmbeddingSource? Embeddings { get; set; }

    /// <summary>What an unset <see cref="Embeddings"/> means without an embedding endpoint.</summary>
    public const EmbeddingSource DefaultEmbeddings = EmbeddingSource.Embedded;

    /// <summary>The embeddings in force.</summary>
    public EmbeddingSource EffectiveEmbeddings(Answering.LlmOptions llm) =>
        Embeddings ?? (string.IsNullOrWhiteSpace(llm?.EmbeddingModel) ? DefaultEmbeddings : EmbeddingSource.Endpoint);

    /// <summary>
    /// How the hybrid mode orders articles: <c>rrf</c> (reciprocal rank fusion) or <c>weighted</c>
    /// (a blend of the normalised scores). See <see cref="RetrievalDefaults.Fusion"/> for the measurement.
    /// </summary>
    [RegularExpression("^(rrf|weighted)$", ErrorMessage = "Retrieval:Fusion must be rrf or weighted.")]
    public string Fusion { get; set; } = RetrievalDefaults.Fusion;

    /// <summary>
    /// Share of the semantic side, in [0, 1], in the weighted blend and in the hybrid confidence
    /// (<c>w × semantic confidence + (1 − w) × BM25 confidence</c>).
    /// </summary>
    [Range(0.0, 1.0)]
    public double SemanticWeight { get; set; } = RetrievalDefaults.SemanticWeight;

    /// <summary>The k of reciprocal rank fusion, <c>1 / (k + rank)</c>: larger flattens the ranks' weight.</summary>
    [Range(1, 1000)]
    public int RrfK { get; set; } = RetrievalDefaults.RrfK;

    /// <summary>
    /// Cosine similarity that counts as confidence 0 (unrelated texts). Models differ: MiniLM gives
    /// unrelated texts about 0.0–0.2, nomic-embed-text about 0.3–0.5; calibrate with the benchmark.
    /// </summary>
    [Range(-1.0, 1.0)]
    public double SemanticFloor { get; set; } = RetrievalDefaults.SemanticFloor;

    /// <summary>Cosine similarity that counts as confidence 1 (a paraphrase).</summary>
    [Range(-1.0, 1.0)]
    public double SemanticCeiling { get; set; } = RetrievalDefaults.SemanticCeiling;

    /// <summary>
    /// Put before each question and each article when embedding, for models trained with task prefixes:
    /// nomic-embed-text wants <c>search_query: </c> and <c>search_document: </c>, e5 <c>query: </c> and <c>passage: </c>.
    /// </summary>
    public string QueryPrefix { get; set; } = "";

    /// <inheritdoc cref="QueryPrefix"/>
    public string DocumentPrefix { get; set; } = "";

    /// <summary>
    /// Characters of one embedded chunk of an article (each chunk starts with the title). About what
    /// all-MiniLM-L6-v2 reads whole (256 tokens); a model with a longer window can take more.
    /// </summary>
    [Range(200, 100_000)]
    public int ChunkChars { get; set; } = 900;

    /// <summary>Chunks embedded per article at most (the rest of a very long article is found by BM25).</summary>
    [Range(1, 200)]
    public int MaxChunks { get; set; } = 24;

    /// <summary>After the embedding endpoint failed, how long retrieval uses BM25 alone before trying it again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a question waits for its articles' embeddings when they are not ready (a new portal, changed
    /// articles, a restart). Past it the question is ranked by BM25 alone while the articles go on being
    /// embedded in the background, so a large portal's first customer is not kept waiting. The command line,
    /// which answers once, waits for them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan IndexingWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The mode in force: <see cref="Mode"/>, or hybrid when an embedding model is configured.</summary>
    public RetrievalMode EffectiveMode(bool embeddingsConfigured) => Mode switch
    {
        "bm25" => RetrievalMode.Bm25,
        "semantic" => RetrievalMode.Semantic,
        "hybrid" => RetrievalMode.Hybrid,
        _ => embeddingsConfigured ? RetrievalMode.Hybrid : RetrievalMode.Bm25,
    };
}
