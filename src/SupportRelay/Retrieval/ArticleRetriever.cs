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
/// embedded again, in batches; the vectors of an index stay in memory as long as the index does.
/// Whatever goes wrong with embeddings (endpoint down, timeout, another model's dimensions), the
/// answer falls back to BM25 alone, with a warning and <c>supportrelay_retrieval_fallbacks_total</c>.
/// </summary>
public sealed partial class ArticleRetriever
{
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _generator;
    private readonly EmbeddingStore _store;
    private readonly IOptionsMonitor<RetrievalOptions> _options;
    private readonly LlmOptions _llm;
    private readonly SupportRelayMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ArticleRetriever> _logger;
    private readonly ConditionalWeakTable<ArticleIndex, IndexVectors> _vectors = new();
    private long _unavailableUntil;

    public ArticleRetriever(IEmbeddingGenerator<string, Embedding<float>>? generator, EmbeddingStore store,
        IOptionsMonitor<RetrievalOptions> options, IOptions<LlmOptions> llm, SupportRelayMetrics metrics, TimeProvider time,
        ILogger<ArticleRetriever> logger)
    {
        ArgumentNullException.ThrowIfNull(llm);
        _generator = generator;
        _store = store;
        _options = options;
        _llm = llm.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when an embedding model is configured.</summary>
    public bool HasEmbeddings => _generator is not null;

    /// <summary>The mode used when a search names none.</summary>
    public RetrievalMode DefaultMode => _options.CurrentValue.EffectiveMode(HasEmbeddings);

    /// <summary>
    /// The <paramref name="top"/> best articles, best first. <paramref name="context"/> (earlier customer
    /// messages) weighs in BM25 only: a follow-up's embedding alone says little, and the conversation's
    /// embedding would drown the question. Semantic modes without an embedding model are BM25.
    /// </summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ArticleScope scope, string question, int top, string? context,
        RetrievalMode? mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var effective = mode ?? DefaultMode;
        if (effective == RetrievalMode.Bm25 || _generator is null || top <= 0 || scope.Index.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            return scope.Index.Search(question, top, context);
        }

        var options = _options.CurrentValue;
        var settings = FusionSettings.From(options);
        var pool = Math.Max(top, RetrievalDefaults.CandidatePool);
        var lexical = scope.Index.Search(question, pool, context);
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _unavailableUntil))
        {
            return FallBack(lexical, top, "backoff");
        }

        IReadOnlyList<SemanticHit> semantic;
        try
        {
            semantic = await RankByMeaningAsync(scope, question, pool, options, cancellationToken);
        }
        catch (EmbeddingDimensionException ex)
        {
            LogDimensionMismatch(scope.Portal, scope.Locale, ex.Expected, ex.Actual);
            return FallBack(lexical, top, "dimension_mismatch");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _unavailableUntil, (_time.GetUtcNow() + options.RetryAfter).UtcTicks);
            LogEmbeddingFailed("timeout", options.RetryAfter);
            return FallBack(lexical, top, "timeout");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Any failure of the endpoint (transport, status, quota, an unreadable reply) degrades to BM25:
            // embeddings improve answers, they must never stop one.
            Interlocked.Exchange(ref _unavailableUntil, (_time.GetUtcNow() + options.RetryAfter).UtcTicks);
            LogEmbeddingFailed(ex.GetType().Name, options.RetryAfter);
            return FallBack(lexical, top, "error");
        }

        return effective == RetrievalMode.Semantic
            ? Fusion.Semantic(semantic, settings, top)
            : Fusion.Fuse(lexical, semantic, settings, top);
    }

    private IReadOnlyList<SearchHit> FallBack(IReadOnlyList<SearchHit> lexical, int top, string reason)
    {
        _metrics.RetrievalFallback(reason);
        return [.. lexical.Take(top)];
    }

    private async Task<IReadOnlyList<SemanticHit>> RankByMeaningAsync(ArticleScope scope, string question, int pool,
        RetrievalOptions options, CancellationToken cancellationToken)
    {
        // The question first: one short call, and its length tells which dimension the model gives now.
        var query = (await EmbedAsync([options.QueryPrefix + question], cancellationToken))[0];
        Normalize(query);
        var vectors = await ArticleVectorsAsync(scope, query.Length, options, cancellationToken);
        var similarities = new (int Ordinal, float Similarity)[vectors.Length];
        for (var i = 0; i < vectors.Length; i++)
        {
            similarities[i] = (i, System.Numerics.Tensors.TensorPrimitives.Dot<float>(vectors[i], query));
        }

        return [.. similarities
            .OrderByDescending(s => s.Similarity)
            .Take(pool)
            .Select(s => new SemanticHit(scope.Index.Articles[s.Ordinal], s.Similarity))];
    }

    /// <summary>
    /// The unit vectors of the index's articles, in article order: from memory, else from the store for
    /// articles whose hash (text and model) and dimension still match, else embedded now and stored.
    /// </summary>
    private async Task<float[][]> ArticleVectorsAsync(ArticleScope scope, int dimensions, RetrievalOptions options, CancellationToken cancellationToken)
    {
        var entry = _vectors.GetValue(scope.Index, _ => new IndexVectors());
        if (entry.Vectors is { } known && known.Dimensions == dimensions)
        {
            return known.Vectors;
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (entry.Vectors is { } again && again.Dimensions == dimensions)
            {
                return again.Vectors;
            }

            var model = _llm.EmbeddingModel!;
            var articles = scope.Index.Articles;
            var texts = articles.Select(a => DocumentText(a, options)).ToArray();
            var hashes = texts.Select(t => Hash(model, t)).ToArray();
            var stored = (await _store.LoadAsync(scope.Portal, scope.Locale, cancellationToken))
                .ToDictionary(e => e.ArticleId, StringComparer.Ordinal);

            var vectors = new float[articles.Count][];
            var missing = new List<int>();
            for (var i = 0; i < articles.Count; i++)
            {
                if (stored.TryGetValue(articles[i].Id, out var row) && row.Hash == hashes[i] && row.Vector.Length == dimensions)
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
                LogEmbeddingArticles(missing.Count, articles.Count, scope.Portal, scope.Locale);
            }

            foreach (var batch in missing.Chunk(_llm.EmbeddingBatchSize))
            {
                var embedded = await EmbedAsync([.. batch.Select(i => texts[i])], cancellationToken);
                var rows = new List<StoredEmbedding>(batch.Length);
                for (var j = 0; j < batch.Length; j++)
                {
                    if (embedded[j].Length != dimensions)
                    {
                        // The endpoint answers the question and the articles in different dimensions: no ranking is possible.
                        throw new EmbeddingDimensionException(dimensions, embedded[j].Length);
                    }

                    Normalize(embedded[j]);
                    vectors[batch[j]] = embedded[j];
                    rows.Add(new StoredEmbedding(articles[batch[j]].Id, hashes[batch[j]], model, embedded[j]));
                }

                // Stored batch by batch: an interrupted first indexing resumes where it stopped.
                await _store.SaveAsync(scope.Portal, scope.Locale, rows, cancellationToken);
            }

            var current = articles.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            await _store.DeleteAsync(scope.Portal, scope.Locale, [.. stored.Keys.Where(id => !current.Contains(id))], cancellationToken);

            foreach (var vector in vectors)
            {
                Normalize(vector);
            }

            entry.Vectors = new LoadedVectors(dimensions, vectors);
            return vectors;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_llm.EmbeddingTimeout);
        var result = await _generator!.GenerateAsync(texts, cancellationToken: timeout.Token);
        if (result.Count != texts.Count)
        {
            throw new InvalidDataException($"The embedding endpoint returned {result.Count} vectors for {texts.Count} texts.");
        }

        return [.. result.Select(e => e.Vector.ToArray())];
    }

    /// <summary>What is embedded of an article: its title, description and text, cut to a length.</summary>
    internal static string DocumentText(Article article, RetrievalOptions options)
    {
        var text = new StringBuilder(options.DocumentPrefix).Append(article.Title);
        if (!string.IsNullOrWhiteSpace(article.Description))
        {
            text.Append('\n').Append(article.Description);
        }

        text.Append('\n').Append(MarkdownText.ToPlainText(article.Content ?? ""));
        var full = text.ToString();
        return full.Length <= options.EmbeddingMaxChars ? full : TextCut.AtBoundary(full, options.EmbeddingMaxChars);
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

    private sealed record LoadedVectors(int Dimensions, float[][] Vectors);

    private sealed class IndexVectors
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public LoadedVectors? Vectors { get; set; }
    }

    private sealed class EmbeddingDimensionException(int expected, int actual)
        : Exception($"Expected {expected} dimensions, the endpoint returned {actual}.")
    {
        public int Expected { get; } = expected;

        public int Actual { get; } = actual;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding {Missing} of {Count} articles of {Portal}/{Locale}")]
    private partial void LogEmbeddingArticles(int missing, int count, string portal, string locale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedding endpoint failed ({Error}); retrieval uses BM25 alone for {RetryAfter}")]
    private partial void LogEmbeddingFailed(string error, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embeddings of {Portal}/{Locale} disagree in dimension ({Expected} and {Actual}); retrieval uses BM25 alone")]
    private partial void LogDimensionMismatch(string portal, string locale, int expected, int actual);
}
