using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Ar;
using Lucene.Net.Analysis.Bg;
using Lucene.Net.Analysis.Ca;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Cz;
using Lucene.Net.Analysis.Da;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.El;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Eu;
using Lucene.Net.Analysis.Fa;
using Lucene.Net.Analysis.Fi;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Ga;
using Lucene.Net.Analysis.Gl;
using Lucene.Net.Analysis.Hi;
using Lucene.Net.Analysis.Hu;
using Lucene.Net.Analysis.Hy;
using Lucene.Net.Analysis.Id;
using Lucene.Net.Analysis.It;
using Lucene.Net.Analysis.Lv;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Nl;
using Lucene.Net.Analysis.No;
using Lucene.Net.Analysis.Pt;
using Lucene.Net.Analysis.Ro;
using Lucene.Net.Analysis.Ru;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Sv;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Analysis.Tr;
using Lucene.Net.Util;

namespace SupportRelay.Retrieval;

/// <summary>Which stemmer the English analyzer uses (a tuning knob measured by the benchmark).</summary>
internal enum EnglishStemmer
{
    None,
    Porter,
    KStem,
}

/// <summary>The Lucene analyzer for a Help Center locale, and term extraction with it.</summary>
internal static class LocaleAnalyzers
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>
    /// An analyzer for <paramref name="locale"/> (<c>en</c>, <c>pt_BR</c>, <c>fr-CA</c>…, by its
    /// language part). Languages without a stemming analyzer get <see cref="StandardAnalyzer"/>:
    /// tokenized and lower-cased, which still beats substring matching.
    /// </summary>
    public static Analyzer For(string? locale, EnglishStemmer englishStemmer = EnglishStemmer.Porter, bool questionStopWords = false) =>
        Language(locale) switch
        {
            "en" => new EnglishSearchAnalyzer(englishStemmer, questionStopWords ? EnglishQuestionStopSet : EnglishAnalyzer.DefaultStopSet),
            "ar" => new ArabicAnalyzer(Version),
            "bg" => new BulgarianAnalyzer(Version),
            "ca" => new CatalanAnalyzer(Version),
            "cs" => new CzechAnalyzer(Version),
            "da" => new DanishAnalyzer(Version),
            "de" => new GermanAnalyzer(Version),
            "el" => new GreekAnalyzer(Version),
            "es" => new SpanishAnalyzer(Version),
            "eu" => new BasqueAnalyzer(Version),
            "fa" => new PersianAnalyzer(Version),
            "fi" => new FinnishAnalyzer(Version),
            "fr" => new FrenchAnalyzer(Version),
            "ga" => new IrishAnalyzer(Version),
            "gl" => new GalicianAnalyzer(Version),
            "hi" => new HindiAnalyzer(Version),
            "hu" => new HungarianAnalyzer(Version),
            "hy" => new ArmenianAnalyzer(Version),
            "id" or "ms" => new IndonesianAnalyzer(Version),
            "it" => new ItalianAnalyzer(Version),
            "lv" => new LatvianAnalyzer(Version),
            "nl" => new DutchAnalyzer(Version),
            "nb" or "nn" or "no" => new NorwegianAnalyzer(Version),
            "pt" => new PortugueseAnalyzer(Version),
            "ro" => new RomanianAnalyzer(Version),
            "ru" => new RussianAnalyzer(Version),
            "sv" => new SwedishAnalyzer(Version),
            "tr" => new TurkishAnalyzer(Version),
            // CJK scripts have no spaces between words: overlapping bigrams make them searchable.
            "zh" or "ja" or "ko" => new CJKAnalyzer(Version),
            _ => new StandardAnalyzer(Version),
        };

    /// <summary>
    /// Lucene's English stop words plus the pronouns, auxiliaries and question words every support
    /// question is made of ("how do I…", "can you…"): matched against a short passage they outweigh
    /// the words that carry the subject.
    /// </summary>
    private static readonly CharArraySet EnglishQuestionStopSet = BuildEnglishQuestionStopSet();

    private static CharArraySet BuildEnglishQuestionStopSet()
    {
        var set = new CharArraySet(Version, EnglishAnalyzer.DefaultStopSet, ignoreCase: false);
        foreach (var word in new[]
        {
            "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his",
            "she", "her", "its", "them", "what", "which", "who", "whom", "whose", "how", "why", "when", "where",
            "do", "does", "did", "am", "been", "being", "have", "has", "had", "can", "could", "would", "should",
            "shall", "may", "might", "must", "from", "about", "so", "than", "too", "very", "just", "also",
            "there's", "i'm", "i've", "can't", "don't", "doesn't", "what's", "how's", "it's",
            // Negations and greetings carry no subject: "hi, my VM won't boot" is about a VM that does not boot.
            "won't", "isn't", "aren't", "wasn't", "weren't", "didn't", "hasn't", "haven't", "couldn't", "wouldn't",
            "shouldn't", "cannot", "please", "hi", "hello", "hey", "thanks", "thank", "ok", "okay",
        })
        {
            set.Add(word);
        }
        return set.AsReadOnly();
    }

    /// <summary>The language subtag of a locale, lower case: <c>pt_BR</c> → <c>pt</c>.</summary>
    public static string Language(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return "en";
        }
        var trimmed = locale.Trim();
        var end = trimmed.AsSpan().IndexOfAny('-', '_');
        return (end < 0 ? trimmed : trimmed[..end]).ToLowerInvariant();
    }

    /// <summary>The analyzed terms of <paramref name="text"/>, in order, repeats kept.</summary>
    public static List<string> Terms(Analyzer analyzer, string field, string text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return terms;
        }
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            if (term.Length > 0)
            {
                terms.Add(term.ToString());
            }
        }
        stream.End();
        return terms;
    }

    /// <summary>
    /// Lucene's EnglishAnalyzer chain with a choice of stemmer and accent folding added, so that
    /// "café" in an article and "cafe" typed on a phone meet.
    /// </summary>
    private sealed class EnglishSearchAnalyzer(EnglishStemmer stemmer, CharArraySet stopWords) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(Version, reader);
            TokenStream result = new StandardFilter(Version, source);
            result = new EnglishPossessiveFilter(Version, result);
            result = new LowerCaseFilter(Version, result);
            result = new ASCIIFoldingFilter(result);
            result = new StopFilter(Version, result, stopWords);
            result = stemmer switch
            {
                EnglishStemmer.Porter => new PorterStemFilter(result),
                EnglishStemmer.KStem => new KStemFilter(result),
                _ => result,
            };
            return new TokenStreamComponents(source, result);
        }
    }
}
