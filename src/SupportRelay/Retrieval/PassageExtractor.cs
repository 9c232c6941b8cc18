using System.Collections.Concurrent;
using Lucene.Net.Analysis;
using SupportRelay.HelpCenter;
using SupportRelay.Text;

namespace SupportRelay.Retrieval;

/// <summary>
/// Picks the passage of an article that best answers a question: the extractive answer the bot
/// sends when no LLM is configured.
/// </summary>
public static class PassageExtractor
{
    // Analyzers are thread safe and costly to build (stop sets, stemmer tables): one per language.
    // They drop question words too: with idf computed over a handful of passages, a "how" that
    // happens to occur in one passage would otherwise outweigh the question's subject.
    private static readonly ConcurrentDictionary<string, Analyzer> Analyzers = new(StringComparer.Ordinal);

    /// <summary>
    /// The passage of <paramref name="article"/> (see <see cref="MarkdownText.Passages"/>) that
    /// shares the most question terms, each weighted by its rarity among the article's passages
    /// (<c>ln(1 + (P − df + 0.5) / (df + 0.5))</c>) and, mildly, by how often it occurs
    /// (<c>1 + ln tf</c>), so the passage about the question's specific words wins over one that
    /// repeats a word every passage has. Ties go to the earlier passage, and with no shared term
    /// the article's opening passage is returned. The result is cut at a sentence or word boundary
    /// to at most <paramref name="maxChars"/> UTF-16 units (<see cref="TextCut.AtBoundary"/>);
    /// empty when the article has no text.
    /// </summary>
    public static string Best(Article article, string question, string locale, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(article);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        var passages = MarkdownText.Passages(article.Content ?? string.Empty);
        if (passages.Count == 0)
        {
            return string.Empty;
        }

        var analyzer = Analyzers.GetOrAdd(LocaleAnalyzers.Language(locale), language => LocaleAnalyzers.For(language, questionStopWords: true));
        var questionTerms = LocaleAnalyzers.Terms(analyzer, "content", question ?? string.Empty).ToHashSet(StringComparer.Ordinal);
        var best = 0;
        if (questionTerms.Count > 0)
        {
            var termCounts = passages
                .Select(passage => LocaleAnalyzers.Terms(analyzer, "content", passage)
                    .Where(questionTerms.Contains)
                    .GroupBy(term => term, StringComparer.Ordinal)
                    .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal))
                .ToList();
            var bestScore = 0.0;
            for (var i = 0; i < termCounts.Count; i++)
            {
                var score = 0.0;
                foreach (var (term, count) in termCounts[i])
                {
                    var documentFrequency = termCounts.Count(counts => counts.ContainsKey(term));
                    var idf = Math.Log(1 + ((passages.Count - documentFrequency + 0.5) / (documentFrequency + 0.5)));
                    score += idf * (1 + Math.Log(count));
                }
                // Strictly greater: on a tie the earlier passage stays.
                if (score > bestScore)
                {
                    bestScore = score;
                    best = i;
                }
            }
        }
        return TextCut.AtBoundary(passages[best], maxChars);
    }
}
