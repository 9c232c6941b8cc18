using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SupportRelay.Answering;
using SupportRelay.HelpCenter;
using SupportRelay.Operations;
using SupportRelay.Text;

namespace SupportRelay.Retrieval;

/// <summary>The articles to search: one portal's articles in one locale, and their BM25 index.</summary>
/// <param name="Portal">Names the article set in the embedding store (a portal slug, or <c>file:NAME</c> offline).</param>
public sealed record ArticleScope(ArticleIndex Index, string Locale, string Portal);

/// <summary>
/// Finds the articles for a question: BM25, embeddings, or both fused (<see cref="RetrievalOptions"/>).
/// Article embeddings are read from the database and only articles whose text or model changed are
/// embedded again, in batches, in the background: a question waits for them at most
/// <see cref="RetrievalOptions.IndexingWait"/>. The vectors of an index stay in memory as long as the index does.
/// Whatever goes wrong with embeddings (endpoint down, timeout, another model's dimensions), the
/// answer falls back to BM25 alone, with a warning and <c>supportrelay_retrieval_fallbacks_total</c>.
/// </summary>
public sealed partial class ArticleRetriever
{
    private readonly EmbeddingModel? _model;
    private readonly AnswerModel? _answers;
    private readonly EmbeddingStore _store;
    private readonly IOptionsMonitor<RetrievalOptions> _options;
    private readonly SupportRelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ArticleRetriever> _logger;
    private readonly ConditionalWeakTable<ArticleIndex, IndexVectors> _vectors = new();
    private readonly CancellationToken _stopping;
    private long _unavailableUntil;

    /// <param name="stopping">Ends the embedding of articles that goes on in the background (the application stopping).</param>
    /// <param name="answers">The learned ranker and answer decision; null: the candidates keep the order of BM25 or the fusion.</param>
    public ArticleRetriever(EmbeddingModel? model, EmbeddingStore store,
        IOptionsMonitor<RetrievalOptions> options, SupportRelayMetrics metrics, TimeProvider time,
        ILogger<ArticleRetriever> logger, AnswerModel? answers = null, CancellationToken stopping = default)
    {
        _model = model;
        _answers = answers;
        _store = store;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>True when an embedding model is configured.</summary>
    public bool HasEmbeddings => _model is not null;

    /// <summary>The embedding model's name (its stored vectors are keyed by it), or null.</summary>
    public string? EmbeddingModelName => _model?.Name;

    /// <summary>The mode used when a search names none.</summary>
    public RetrievalMode DefaultMode => _options.CurrentValue.EffectiveMode(HasEmbeddings);

    /// <summary>
    /// The <paramref name="top"/> best articles, best first. <paramref name="context"/> (earlier customer
    /// messages) weighs in BM25 only: a follow-up's embedding alone says little, and the conversation's
    /// embedding would drown the question. Semantic modes without an embedding model are BM25. The candidates are
    /// ordered by the learned ranker (<see cref="AnswerModel"/>) when one ships for the signals they carry.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ArticleScope scope, string question, int top, string? context,
        RetrievalMode? mode, CancellationToken cancellationToken)
    {
        var candidates = await CandidatesAsync(scope, question, top, context, mode, cancellationToken);
        return candidates.Hits.Count == 0 || _answers is null || candidates.Mode == RetrievalMode.Semantic
            ? [.. candidates.Hits.Take(top)]
            : [.. _answers.Rank(candidates).Take(top)];
    }

    /// <summary>
    /// The articles each ranking found for the question, with their signals, before the learned ranker orders them:
    /// a pool of at least <see cref="RetrievalDefaults.CandidatePool"/>, ordered by BM25 or by the fusion, in the
    /// mode that actually ran (BM25 when the embeddings failed).
    /// </summary>
    public async Task<RankedCandidates> CandidatesAsync(ArticleScope scope, string question, int top, string? context,
        RetrievalMode? mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var effective = mode ?? DefaultMode;
        var pool = Math.Max(top, RetrievalDefaults.CandidatePool);
        if (top <= 0 || scope.Index.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            return new RankedCandidates([], RetrievalMode.Bm25);
        }

        if (effective == RetrievalMode.Bm25 || _model is null)
        {
            return new RankedCandidates(scope.Index.Search(question, pool, context), RetrievalMode.Bm25);
        }

        var options = _options.CurrentValue;
        var settings = FusionSettings.From(options);
        var lexical = scope.Index.Search(question, pool, context);
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _unavailableUntil))
        {
            return FallBack(lexical, "backoff");
        }

        IReadOnlyList<SemanticHit> semantic;
        try
        {
            semantic = await RankByMeaningAsync(scope, question, pool, options, cancellationToken);
        }
        catch (ArticlesNotReadyException ex)
        {
            // Already logged, by the load of the articles' vectors or by the wait for it.
            return FallBack(lexical, ex.Reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return FallBack(lexical, EmbeddingFailure(ex, options));
        }

        return effective == RetrievalMode.Semantic
            ? new RankedCandidates(Fusion.Semantic(semantic, settings, pool), RetrievalMode.Semantic)
            : new RankedCandidates(scope.Index.WithLexicalSignals(question, Fusion.Fuse(lexical, semantic, settings, pool)), RetrievalMode.Hybrid);
    }

    private RankedCandidates FallBack(IReadOnlyList<SearchHit> lexical, string reason)
    {
        _metrics.RetrievalFallback(reason);
        return new RankedCandidates(lexical, RetrievalMode.Bm25);
    }

    private async Task<IReadOnlyList<SemanticHit>> RankByMeaningAsync(ArticleScope scope, string question, int pool,
        RetrievalOptions options, CancellationToken cancellationToken)
    {
        // The question first: one short call, and its length tells which dimension the model gives now.
        var query = (await EmbedAsync([_model!.QueryPrefix + options.QueryPrefix + question], cancellationToken))[0];
        Normalize(query);
        var chunks = await ArticleVectorsAsync(scope, query.Length, options, cancellationToken);
        // An article is as close as its closest chunk: a question about a detail deep in a long article meets it there.
        var best = new float[scope.Index.Count];
        Array.Fill(best, float.MinValue);
        for (var i = 0; i < chunks.Vectors.Length; i++)
        {
            var similarity = System.Numerics.Tensors.TensorPrimitives.Dot<float>(chunks.Vectors[i], query);
            var article = chunks.Articles[i];
            if (similarity > best[article])
            {
                best[article] = similarity;
            }
        }

        return [.. best.Select((similarity, ordinal) => (Ordinal: ordinal, Similarity: similarity))
            .Where(s => s.Similarity > float.MinValue)
            .OrderByDescending(s => s.Similarity)
            .Take(pool)
            .Select(s => new SemanticHit(scope.Index.Articles[s.Ordinal], s.Similarity))];
    }

    /// <summary>
    /// Why retrieval falls back to BM25 after <paramref name="ex"/>, with the warning and, unless the model's
    /// dimensions disagree, the pause before the endpoint is tried again. Any failure of the endpoint
    /// (transport, status, quota, an unreadable reply) degrades to BM25: embeddings improve answers, they
    /// must never stop one.
    /// </summary>
    private string EmbeddingFailure(Exception ex, RetrievalOptions options)
    {
        if (ex is EmbeddingDimensionException dimensions)
        {
            LogDimensionMismatch(dimensions.Portal, dimensions.Locale, dimensions.Expected, dimensions.Actual);
            return "dimension_mismatch";
        }

        var reason = ex is OperationCanceledException ? "timeout" : "error";
        Interlocked.Exchange(ref _unavailableUntil, (_time.GetUtcNow() + options.RetryAfter).UtcTicks);
        LogEmbeddingFailed(reason == "timeout" ? reason : ex.GetType().Name, options.RetryAfter);
        return reason;
    }

    /// <summary>
    /// The unit vectors of the index's articles, in article order, once they are ready. They are loaded
    /// once per index and dimension, in the background (<see cref="LoadArticleVectorsAsync"/>), and
    /// questions asked meanwhile share that load: each waits up to <see cref="RetrievalOptions.IndexingWait"/>.
    /// </summary>
    private async Task<ChunkVectors> ArticleVectorsAsync(ArticleScope scope, int dimensions, RetrievalOptions options, CancellationToken cancellationToken)
    {
        var entry = _vectors.GetValue(scope.Index, _ => new IndexVectors());
        Task<VectorLoad> loading;
        lock (entry.Gate)
        {
            if (entry.Vectors is { } known && known.Dimensions == dimensions)
            {
                return known.Vectors;
            }

            // A load that failed is started again (the endpoint's pause has passed, or the caller would not be here).
            if (entry.Loading is not { } current || entry.LoadingDimensions != dimensions || current is { IsCompleted: true, Result.Vectors: null })
            {
                entry.LoadingDimensions = dimensions;
                entry.Loading = Task.Run(() => LoadArticleVectorsAsync(scope, entry, dimensions, options), CancellationToken.None);
            }

            loading = entry.Loading;
        }

        VectorLoad load;
        try
        {
            load = await loading.WaitAsync(options.IndexingWait, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogStillEmbedding(scope.Portal, scope.Locale);
            throw new ArticlesNotReadyException("indexing");
        }

        return load.Vectors ?? throw new ArticlesNotReadyException(load.Failure!);
    }

    /// <summary>
    /// Loads the vectors of an index's articles, outside any question: from the store for articles whose hash
    /// (text and model) and dimension still match, else embedded now in batches and stored. Never throws: a
    /// failure is logged, pauses the endpoint like a failed question, and is the load's result.
    /// </summary>
    private async Task<VectorLoad> LoadArticleVectorsAsync(ArticleScope scope, IndexVectors entry, int dimensions, RetrievalOptions options)
    {
        try
        {
            var vectors = await EmbedArticlesAsync(scope, dimensions, options, _stopping);
            lock (entry.Gate)
            {
                // Unless the model's dimension changed while this ran, and a newer load is on its way.
                if (entry.LoadingDimensions == dimensions)
                {
                    entry.Vectors = new LoadedVectors(dimensions, vectors);
                }
            }

            return new VectorLoad(vectors, null);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return new VectorLoad(null, "stopping");
        }
        catch (Exception ex)
        {
            return new VectorLoad(null, EmbeddingFailure(ex, options));
        }
    }

    private async Task<ChunkVectors> EmbedArticlesAsync(ArticleScope scope, int dimensions, RetrievalOptions options, CancellationToken cancellationToken)
    {
        var model = _model!.Name;
        var chunks = scope.Index.Articles.SelectMany((article, ordinal) => Chunks(article, options)
            .Select((text, n) => (Article: ordinal, Id: n == 0 ? article.Id : $"{article.Id}#{n}", Text: text))).ToArray();
        var texts = chunks.Select(c => c.Text).ToArray();
        var hashes = texts.Select(t => Hash(model, t)).ToArray();
        var stored = (await _store.LoadAsync(scope.Portal, scope.Locale, cancellationToken))
            .ToDictionary(e => e.ArticleId, StringComparer.Ordinal);

        var vectors = new float[chunks.Length][];
        var missing = new List<int>();
        for (var i = 0; i < chunks.Length; i++)
        {
            if (stored.TryGetValue(chunks[i].Id, out var row) && row.Hash == hashes[i] && row.Vector.Length == dimensions)
            {
                vectors[i] = row.Vector;
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            LogEmbeddingArticles(missing.Count, chunks.Length, scope.Index.Count, scope.Portal, scope.Locale);
        }

        foreach (var batch in missing.Chunk(_model.BatchSize))
        {
            var embedded = await EmbedAsync([.. batch.Select(i => texts[i])], cancellationToken);
            var rows = new List<StoredEmbedding>(batch.Length);
            for (var j = 0; j < batch.Length; j++)
            {
                if (embedded[j].Length != dimensions)
                {
                    // The endpoint answers the question and the articles in different dimensions: no ranking is possible.
                    throw new EmbeddingDimensionException(scope, dimensions, embedded[j].Length);
                }

                Normalize(embedded[j]);
                vectors[batch[j]] = embedded[j];
                rows.Add(new StoredEmbedding(chunks[batch[j]].Id, hashes[batch[j]], model, embedded[j]));
            }

            // Stored batch by batch: an interrupted first indexing resumes where it stopped.
            await _store.SaveAsync(scope.Portal, scope.Locale, rows, cancellationToken);
        }

        var current = chunks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        await _store.DeleteAsync(scope.Portal, scope.Locale, [.. stored.Keys.Where(id => !current.Contains(id))], cancellationToken);

        foreach (var vector in vectors)
        {
            Normalize(vector);
        }

        return new ChunkVectors(vectors, [.. chunks.Select(c => c.Article)]);
    }

    private async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_model!.Timeout);
        var result = await _model.Generator.GenerateAsync(texts, cancellationToken: timeout.Token);
        if (result.Count != texts.Count)
        {
            throw new InvalidDataException($"The embedding endpoint returned {result.Count} vectors for {texts.Count} texts.");
        }

        return [.. result.Select(e => e.Vector.ToArray())];
    }

    /// <summary>
    /// What is embedded of an article, in chunks a sentence model reads whole (all-MiniLM-L6-v2 stops at 256
    /// tokens, about a thousand characters): the first is the title, the description and the opening; each next
    /// one the title again and the following passages up to <see cref="RetrievalOptions.ChunkChars"/>, at most
    /// <see cref="RetrievalOptions.MaxChunks"/> chunks. A long article is found by any of its parts.
    /// </summary>
    internal static IReadOnlyList<string> Chunks(Article article, RetrievalOptions options)
    {
        var head = new StringBuilder(options.DocumentPrefix).Append(article.Title);
        if (!string.IsNullOrWhiteSpace(article.Description))
        {
            head.Append('\n').Append(article.Description);
        }

        var chunks = new List<string>();
        var current = new StringBuilder(head.ToString());
        var title = options.DocumentPrefix + article.Title;
        foreach (var passage in MarkdownText.Passages(article.Content ?? ""))
        {
            if (current.Length > title.Length && current.Length + passage.Length + 1 > options.ChunkChars)
            {
                chunks.Add(current.ToString());
                if (chunks.Count == options.MaxChunks)
                {
                    return chunks;
                }

                current = new StringBuilder(title);
            }

            current.Append('\n').Append(passage.Length <= options.ChunkChars ? passage : TextCut.AtBoundary(passage, options.ChunkChars));
        }

        chunks.Add(current.ToString());
        return chunks;
    }

    internal static string Hash(string model, string text) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + text)));

    /// <summary>Scales to unit length in place (idempotent), so a dot product is the cosine similarity.</summary>
    private static void Normalize(float[] vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm<float>(vector);
        if (norm > 0 && Math.Abs(norm - 1) > 1e-6)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    private sealed record LoadedVectors(int Dimensions, ChunkVectors Vectors);

    /// <summary>The unit vectors of an index's chunks, and the article (its ordinal) each chunk is of.</summary>
    private sealed record ChunkVectors(float[][] Vectors, int[] Articles);

    /// <summary>How a load of article vectors ended: the vectors, or why there are none (a fallback reason).</summary>
    private sealed record VectorLoad(ChunkVectors? Vectors, string? Failure);

    /// <summary>An index's article vectors: those loaded, and the load on its way. Guarded by <see cref="Gate"/>.</summary>
    private sealed class IndexVectors
    {
        public Lock Gate { get; } = new();

        public LoadedVectors? Vectors { get; set; }

        public Task<VectorLoad>? Loading { get; set; }

        public int LoadingDimensions { get; set; }
    }

    private sealed class EmbeddingDimensionException(ArticleScope scope, int expected, int actual)
        : Exception($"Expected {expected} dimensions, the endpoint returned {actual}.")
    {
        public string Portal { get; } = scope.Portal;

        public string Locale { get; } = scope.Locale;

        public int Expected { get; } = expected;

        public int Actual { get; } = actual;
    }

    /// <summary>The articles' vectors are not there (yet): rank by BM25, for <see cref="Reason"/>.</summary>
    private sealed class ArticlesNotReadyException(string reason) : Exception($"The articles' embeddings are not ready ({reason}).")
    {
        public string Reason { get; } = reason;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding {Missing} of {Chunks} chunks of the {Count} articles of {Portal}/{Locale}")]
    private partial void LogEmbeddingArticles(int missing, int chunks, int count, string portal, string locale);

    [LoggerMessage(Level = LogLevel.Information, Message = "The articles of {Portal}/{Locale} are still being embedded; this question is ranked by BM25 alone")]
    private partial void LogStillEmbedding(string portal, string locale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedding endpoint failed ({Error}); retrieval uses BM25 alone for {RetryAfter}")]
    private partial void LogEmbeddingFailed(string error, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embeddings of {Portal}/{Locale} disagree in dimension ({Expected} and {Actual}); retrieval uses BM25 alone")]
    private partial void LogDimensionMismatch(string portal, string locale, int expected, int actual);
}
