using Lucene.Net.Analysis;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using SupportRelay.HelpCenter;

namespace SupportRelay.Retrieval;

/// <summary>One retrieved article.</summary>
/// <param name="Score">The raw BM25 score: comparable between hits of one search only.</param>
/// <param name="Confidence">
/// How much of the question this article covers, in [0, 1]: the idf-weighted share of the
/// question's distinct analyzed terms that occur in the article (title, description or content),
/// question words ("how", "where", "can", "I") left out.
/// A term's weight is its BM25 idf, <c>ln(1 + (N − df + 0.5) / (df + 0.5))</c>, so rare, specific
/// words count most and a term no article contains counts against every hit as much as the rarest
/// term any article contains. Unlike the raw
/// score it does not grow with the question's length, so one threshold
/// (<see cref="RetrievalDefaults.MinConfidence"/>) works for every question. The context terms of a
/// follow-up count half, and only when they raise it: "and how long are they kept?" is about the backups
/// asked of before, but a follow-up on a new subject ("and the weather?") still falls below the threshold.
/// </param>
public sealed record SearchHit(Article Article, double Score, double Confidence)
{
    /// <summary>What each ranking said of the article, for the learned ranker; null for hits made up by hand (tests).</summary>
    public HitSignals? Signals { get; init; }
}

/// <summary>
/// A BM25 index of one portal and locale's articles, in memory. Built once per article set
/// (articles change by TTL refresh, not in place) and searched concurrently.
/// </summary>
public sealed class ArticleIndex : IDisposable
{
    private const string TitleField = "title";
    private const string DescriptionField = "description";
    private const string ContentField = "content";

    /// <summary>The field of the passage index: one document per passage, with its article's ordinal; articles rank by their best passage.</summary>
    private const string PassageField = "passage";
    private const string OrdinalField = "ordinal";

    /// <summary>Caps the query size: Lucene refuses more than 1,024 clauses and a pasted log file
    /// adds nothing a few dozen distinct words do not.</summary>
    private const int MaxQuestionTerms = 64;
    private const int MaxContextTerms = 64;

    /// <summary>Only the latest part of a long conversation is worth weighing.</summary>
    private const int MaxContextChars = 4_000;

    private readonly Article[] _articles;
    private readonly int[] _articleByDoc;
    private readonly Analyzer _analyzer;
    private readonly Analyzer _subjectAnalyzer;
    private readonly RAMDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly RetrievalTuning _tuning;
    private readonly RAMDirectory _passageDirectory;
    private readonly DirectoryReader _passageReader;
    private readonly IndexSearcher _passageSearcher;
    private readonly int[] _articleByPassage;
    private readonly (string Field, float Boost)[] _fields;

    private ArticleIndex(Article[] articles, string locale, Analyzer analyzer, RAMDirectory directory, RAMDirectory passages, RetrievalTuning tuning)
    {
        _passageDirectory = passages;
        _passageReader = DirectoryReader.Open(passages);
        _passageSearcher = new IndexSearcher(_passageReader) { Similarity = tuning.Similarity() };
        _articleByPassage = new int[_passageReader.MaxDoc];
        var passageOrdinals = MultiDocValues.GetNumericValues(_passageReader, OrdinalField);
        for (var doc = 0; doc < _articleByPassage.Length; doc++)
        {
            _articleByPassage[doc] = passageOrdinals is null ? 0 : (int)passageOrdinals.Get(doc);
        }

        _articles = articles;
        Locale = locale;
        _analyzer = analyzer;
        _subjectAnalyzer = LocaleAnalyzers.For(locale, tuning.EnglishStemmer, questionStopWords: true);
        _directory = directory;
        _tuning = tuning;
        _reader = DirectoryReader.Open(directory);
        _searcher = new IndexSearcher(_reader) { Similarity = tuning.Similarity() };
        _fields =
        [
            (TitleField, tuning.TitleBoost),
            (DescriptionField, tuning.DescriptionBoost),
            (ContentField, 1f),
        ];

        // Segment merges may reorder documents, so map Lucene doc ids back through a stored ordinal.
        _articleByDoc = new int[_reader.MaxDoc];
        var ordinals = MultiDocValues.GetNumericValues(_reader, OrdinalField);
        for (var doc = 0; doc < _articleByDoc.Length; doc++)
        {
            _articleByDoc[doc] = (int)ordinals.Get(doc);
        }
    }

    /// <summary>The number of indexed articles.</summary>
    public int Count => _articles.Length;

    /// <summary>The indexed articles, in the order they were given.</summary>
    public IReadOnlyList<Article> Articles => _articles;

    /// <summary>The locale whose analyzer this index uses.</summary>
    public string Locale { get; }

    /// <summary>Indexes <paramref name="articles"/> with the analyzer of <paramref name="locale"/>.</summary>
    public static ArticleIndex Build(IReadOnlyList<Article> articles, string locale) =>
        Build(articles, locale, RetrievalTuning.Default);

    internal static ArticleIndex Build(IReadOnlyList<Article> articles, string locale, RetrievalTuning tuning)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var copy = articles.ToArray();
        var analyzer = LocaleAnalyzers.For(locale, tuning.EnglishStemmer, tuning.QuestionStopWords);
        var directory = new RAMDirectory();
        RAMDirectory? passages = null;
        try
        {
            var config = new IndexWriterConfig(LocaleAnalyzers.Version, analyzer)
            {
                OpenMode = OpenMode.CREATE,
                Similarity = tuning.Similarity(),
                RAMBufferSizeMB = 64,
            };
            using (var writer = new IndexWriter(directory, config))
            {
                for (var i = 0; i < copy.Length; i++)
                {
                    writer.AddDocument(ToDocument(copy[i], i));
                }

                // One segment searches fastest, and the index is never written again.
                writer.ForceMerge(1);
                writer.Commit();
            }
            // The passages in an index of their own: Lucene's BM25 counts every document of an index in its idf, so
            // sharing one would change the articles' scores.
            passages = new RAMDirectory();
            using (var writer = new IndexWriter(passages, new IndexWriterConfig(LocaleAnalyzers.Version, analyzer) { OpenMode = OpenMode.CREATE, Similarity = tuning.Similarity() }))
            {
                for (var i = 0; i < copy.Length; i++)
                {
                    foreach (var passage in MarkdownText.Passages(copy[i].Content ?? string.Empty))
                    {
                        writer.AddDocument(new Document
                        {
                            new TextField(PassageField, passage, Field.Store.NO),
                            new NumericDocValuesField(OrdinalField, i),
                        });
                    }
                }

                writer.ForceMerge(1);
                writer.Commit();
            }

            return new ArticleIndex(copy, locale, analyzer, directory, passages, tuning);
        }
        catch
        {
            analyzer.Dispose();
            directory.Dispose();
            passages?.Dispose();
            throw;
        }
    }

    private static Document ToDocument(Article article, int ordinal)
    {
        var document = new Document
        {
            new TextField(TitleField, article.Title ?? string.Empty, Field.Store.NO),
            new TextField(ContentField, MarkdownText.ToPlainText(article.Content ?? string.Empty), Field.Store.NO),
            new NumericDocValuesField(OrdinalField, ordinal),
        };
        if (!string.IsNullOrWhiteSpace(article.Description))
        {
            document.Add(new TextField(DescriptionField, article.Description, Field.Store.NO));
        }
        return document;
    }

    /// <summary>
    /// The <paramref name="top"/> best articles for <paramref name="question"/>, best first.
    /// <paramref name="context"/> is the conversation's earlier customer messages: its terms count
    /// <see cref="RetrievalDefaults.ContextWeight"/> as much as the question's, enough to carry
    /// a follow-up ("and how much does it cost?") to the subject without outvoting the question.
    /// Any text is a valid question: no query syntax is parsed, and a question with no searchable
    /// words has no hits.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(string question, int top, string? context = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (top <= 0 || string.IsNullOrWhiteSpace(question) || _articles.Length == 0)
        {
            return [];
        }

        var questionTerms = DistinctTerms(question, MaxQuestionTerms, exclude: null);
        if (questionTerms.Count == 0)
        {
            return [];
        }
        var contextTerms = string.IsNullOrWhiteSpace(context)
            ? []
            : DistinctTerms(context.Length > MaxContextChars ? context[^MaxContextChars..] : context, MaxContextTerms, questionTerms);

        var query = new BooleanQuery(disableCoord: true);
        foreach (var term in questionTerms)
        {
            AddTerm(query, term, 1f);
        }
        foreach (var term in contextTerms)
        {
            AddTerm(query, term, RetrievalDefaults.ContextWeight);
        }

        var topDocs = _searcher.Search(query, Math.Min(top, _articles.Length));
        var passages = PassageRanks(questionTerms, contextTerms);
        if (topDocs.ScoreDocs.Length == 0)
        {
            return [];
        }
        var subject = SubjectTerms(question, questionTerms);
        var confidences = Confidences(topDocs.ScoreDocs, subject, [], _fields);
        var titleCoverage = Confidences(topDocs.ScoreDocs, subject, [], _fields[..1]);
        if (contextTerms.Count > 0)
        {
            // The context may only help: words of earlier messages that this article lacks say nothing
            // against it for the question asked now.
            var withContext = Confidences(topDocs.ScoreDocs, subject, SubjectTerms(context!, contextTerms, fallBackToAll: false), _fields);
            for (var i = 0; i < confidences.Length; i++)
            {
                confidences[i] = Math.Max(confidences[i], withContext[i]);
            }
        }
        var hits = new SearchHit[topDocs.ScoreDocs.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            var scoreDoc = topDocs.ScoreDocs[i];
            hits[i] = new SearchHit(_articles[_articleByDoc[scoreDoc.Doc]], scoreDoc.Score, confidences[i])
            {
                Signals = WithPassage(new HitSignals(scoreDoc.Score, i + 1, confidences[i], titleCoverage[i]), passages, _articleByDoc[scoreDoc.Doc]),
            };
        }
        return hits;
    }

    /// <summary>
    /// <paramref name="hits"/> (found by another ranking, by meaning) with the lexical signals BM25 alone would have
    /// given them: their coverage of the question's subject terms, in all fields and in the title. Hits that
    /// already carry lexical signals are returned as they are.
    /// </summary>
    public IReadOnlyList<SearchHit> WithLexicalSignals(string question, IReadOnlyList<SearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var missing = hits.Select((h, i) => (Hit: h, Index: i)).Where(h => h.Hit.Signals is not { Bm25Rank: > 0 }).ToList();
        if (missing.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            return hits;
        }

        var questionTerms = DistinctTerms(question, MaxQuestionTerms, exclude: null);
        if (questionTerms.Count == 0)
        {
            return hits;
        }

        _docByArticle ??= BuildDocByArticle();
        var subject = SubjectTerms(question, questionTerms);
        var docs = missing.Select(m => new ScoreDoc(_docByArticle.TryGetValue(m.Hit.Article.Id, out var doc) ? doc : -1, 0)).ToArray();
        var known = docs.Where(d => d.Doc >= 0).ToArray();
        var coverage = Confidences(known, subject, [], _fields);
        var title = Confidences(known, subject, [], _fields[..1]);
        var passages = PassageRanks(questionTerms, []);
        var result = hits.ToArray();
        for (int i = 0, k = 0; i < missing.Count; i++)
        {
            if (docs[i].Doc < 0)
            {
                continue;
            }

            var hit = missing[i].Hit;
            result[missing[i].Index] = hit with
            {
                Signals = WithPassage((hit.Signals ?? new HitSignals(0, 0, 0, 0)) with { Coverage = coverage[k], TitleCoverage = title[k] },
                    passages, _articleByDoc[docs[i].Doc]),
            };
            k++;
        }

        return result;
    }

    /// <summary>How many passages a passage query looks at: enough to reach every candidate article's best one.</summary>
    private const int PassagePool = 200;

    /// <summary>Each article's best passage score for the terms, and the article's rank by it (1-based), for the articles whose passages matched.</summary>
    private Dictionary<int, (double Score, int Rank)> PassageRanks(List<string> questionTerms, List<string> contextTerms)
    {
        var query = new BooleanQuery(disableCoord: true);
        foreach (var term in questionTerms)
        {
            query.Add(new TermQuery(new Term(PassageField, term)), Occur.SHOULD);
        }
        foreach (var term in contextTerms)
        {
            query.Add(new TermQuery(new Term(PassageField, term)) { Boost = RetrievalDefaults.ContextWeight }, Occur.SHOULD);
        }

        var best = new Dictionary<int, (double Score, int Rank)>();
        if (_articleByPassage.Length == 0)
        {
            return best;
        }

        foreach (var scoreDoc in _passageSearcher.Search(query, PassagePool).ScoreDocs)
        {
            var article = _articleByPassage[scoreDoc.Doc];
            if (!best.ContainsKey(article))
            {
                best[article] = (scoreDoc.Score, best.Count + 1);
            }
        }

        return best;
    }

    private static HitSignals WithPassage(HitSignals signals, Dictionary<int, (double Score, int Rank)> passages, int article) =>
        passages.TryGetValue(article, out var passage) ? signals with { PassageBm25 = passage.Score, PassageRank = passage.Rank } : signals;

    private Dictionary<string, int>? _docByArticle;

    private Dictionary<string, int> BuildDocByArticle()
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var doc = 0; doc < _articleByDoc.Length; doc++)
        {
            map.TryAdd(_articles[_articleByDoc[doc]].Id, doc);
        }

        return map;
    }

    /// <summary>
    /// The question's terms minus question words ("where", "can", "I"): they rank harmlessly, but
    /// an article rarely contains "where", and counting it would make "where can I see my logs"
    /// look half unanswered. A question made only of such words keeps them all.
    /// </summary>
    private List<string> SubjectTerms(string question, List<string> questionTerms, bool fallBackToAll = true)
    {
        var subject = LocaleAnalyzers.Terms(_subjectAnalyzer, ContentField, question).ToHashSet(StringComparer.Ordinal);
        var terms = questionTerms.Where(subject.Contains).ToList();
        return terms.Count > 0 || !fallBackToAll ? terms : questionTerms;
    }

    private List<string> DistinctTerms(string text, int max, List<string>? exclude)
    {
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (exclude is not null)
        {
            seen.UnionWith(exclude);
        }
        var terms = LocaleAnalyzers.Terms(_analyzer, ContentField, text);
        // For the context keep the latest terms: the end of the conversation is closest to the question.
        var ordered = exclude is null ? terms : Enumerable.Reverse(terms);
        foreach (var term in ordered)
        {
            if (distinct.Count == max)
            {
                break;
            }
            if (seen.Add(term))
            {
                distinct.Add(term);
            }
        }
        return distinct;
    }

    /// <summary>
    /// One term across the fields. With <see cref="RetrievalTuning.PerTermDisMax"/> the best field
    /// counts and the others add a little (<see cref="RetrievalTuning.TieBreaker"/>), so a word in
    /// both title and body is not counted twice at full weight; otherwise each field adds up.
    /// </summary>
    private void AddTerm(BooleanQuery query, string term, float weight)
    {
        if (!_tuning.PerTermDisMax)
        {
            foreach (var (field, boost) in _fields)
            {
                query.Add(new TermQuery(new Term(field, term)) { Boost = boost * weight }, Occur.SHOULD);
            }
            return;
        }
        var clause = new DisjunctionMaxQuery(_tuning.TieBreaker) { Boost = weight };
        foreach (var (field, boost) in _fields)
        {
            clause.Add(new TermQuery(new Term(field, term)) { Boost = boost });
        }
        query.Add(clause, Occur.SHOULD);
    }

    /// <summary>The idf-weighted share of the terms each hit contains in <paramref name="fields"/>.</summary>
    private double[] Confidences(ScoreDoc[] hits, List<string> questionTerms, List<string> contextTerms, (string Field, float Boost)[] fields)
    {
        var leaves = _reader.Leaves;
        var maxDoc = _reader.MaxDoc;
        var total = 0.0;
        var matched = new double[hits.Length];
        var weighted = questionTerms.Select(t => (Term: t, Weight: 1.0))
            .Concat(contextTerms.Select(t => (Term: t, Weight: RetrievalDefaults.ContextConfidenceWeight)));
        foreach (var (term, weight) in weighted)
        {
            var documentFrequency = 0;
            foreach (var (field, _) in _fields)
            {
                documentFrequency = Math.Max(documentFrequency, _reader.DocFreq(new Term(field, term)));
            }
            // A number no article contains is the customer's own (an order, an app, a port): it says
            // nothing about whether the articles cover the question. A number an article has ("502") counts.
            if (documentFrequency == 0 && term.All(char.IsAsciiDigit))
            {
                continue;
            }

            // A word no article contains weighs as much as the rarest word an article does: without the
            // cap a portal of three articles would hand off every question with one unknown word in it.
            var weightedDf = Math.Max(documentFrequency, 1);
            var idf = weight * Math.Log(1 + ((maxDoc - weightedDf + 0.5) / (weightedDf + 0.5)));
            total += idf;
            if (documentFrequency == 0)
            {
                continue;
            }
            for (var i = 0; i < hits.Length; i++)
            {
                if (Contains(leaves, hits[i].Doc, term, fields))
                {
                    matched[i] += idf;
                }
            }
        }
        for (var i = 0; i < matched.Length; i++)
        {
            matched[i] = total > 0 ? Math.Clamp(matched[i] / total, 0, 1) : 0;
        }
        return matched;
    }

    private static bool Contains(IList<AtomicReaderContext> leaves, int doc, string term, (string Field, float Boost)[] fields)
    {
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        var local = doc - leaf.DocBase;
        foreach (var (field, _) in fields)
        {
            var postings = leaf.AtomicReader.GetTermDocsEnum(new Term(field, term));
            if (postings is not null && postings.Advance(local) == local)
            {
                return true;
            }
        }
        return false;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _reader.Dispose();
        _directory.Dispose();
        _passageReader.Dispose();
        _passageDirectory.Dispose();
        _analyzer.Dispose();
        _subjectAnalyzer.Dispose();
    }
}
