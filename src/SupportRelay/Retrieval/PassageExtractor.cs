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
        var scored = Score(article, question, locale);
        if (scored.Count == 0)
        {
            return string.Empty;
        }


        // Strictly greater: on a tie the earlier passage stays; with no shared term, the opening passage.
        var best = 0;
        for (var i = 1; i < scored.Count; i++)
        {
            if (scored[i].Score > scored[best].Score)
            {
                best = i;
            }
        }

        return CutMarkdown(scored[best].Markdown, maxChars);
    }

    /// <summary>
    /// What the LLM reads of an article: its best passages for the question, most relevant first until
    /// <paramref name="maxChars"/>, then put back in the article's order (an answer follows the article's
    /// steps), the opening passage always among them (it says what the article is about). Plain text, gaps
    /// marked with "…".
    /// </summary>
    public static string Excerpt(Article article, string question, string locale, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(article);
        var scored = Score(article, question, locale);
        if (scored.Count == 0)
        {
            return string.Empty;
        }

        var chosen = new SortedSet<int> { 0 };
        var used = scored[0].Text.Length;
        foreach (var (index, passage) in scored.Select((p, i) => (i, p)).Where(p => p.p.Score > 0).OrderByDescending(p => p.p.Score))
        {
            if (used + passage.Text.Length > maxChars)
            {
                continue;
            }

            chosen.Add(index);
            used += passage.Text.Length;
        }

        var excerpt = new System.Text.StringBuilder();
        var previous = -1;
        foreach (var index in chosen)
        {
            excerpt.Append(previous < 0 ? "" : index == previous + 1 ? "\n" : "\n…\n").Append(scored[index].Text);
            previous = index;
        }

        return excerpt.Length <= maxChars ? excerpt.ToString() : TextCut.AtBoundary(excerpt.ToString(), maxChars);
    }

    private static bool IsStructured(string block) =>
        block.StartsWith("```", StringComparison.Ordinal) || block.StartsWith("~~~", StringComparison.Ordinal) || block.StartsWith('|')
        || System.Text.RegularExpressions.Regex.IsMatch(block, @"^\s*([-*+]|[0-9]+[.)])\s");

    /// <summary>Each passage with its score: the question terms it shares, weighted by their rarity among the article's passages and, mildly, by how often they occur.</summary>
    private static List<(string Text, string Markdown, double Score)> Score(Article article, string question, string locale)
    {
        var passages = MarkdownText.AnswerPassages(article.Content ?? string.Empty);
        var analyzer = Analyzers.GetOrAdd(LocaleAnalyzers.Language(locale), language => LocaleAnalyzers.For(language, questionStopWords: true));
        var questionTerms = LocaleAnalyzers.Terms(analyzer, "content", question ?? string.Empty).ToHashSet(StringComparer.Ordinal);
        var termCounts = passages
            .Select(passage => LocaleAnalyzers.Terms(analyzer, "content", passage.Text)
                .Where(questionTerms.Contains)
                .GroupBy(term => term, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal))
            .ToList();
        var scored = new List<(string, string, double)>(passages.Count);
        for (var i = 0; i < passages.Count; i++)
        {
            var score = 0.0;
            foreach (var (term, count) in termCounts[i])
            {
                var documentFrequency = termCounts.Count(counts => counts.ContainsKey(term));
                var idf = Math.Log(1 + ((passages.Count - documentFrequency + 0.5) / (documentFrequency + 0.5)));
                score += idf * (1 + Math.Log(count));
            }

            scored.Add((passages[i].Text, passages[i].Markdown, score));
        }

        return scored;
    }

    /// <summary>
    /// The passage's Markdown within <paramref name="maxChars"/>: whole blocks while they fit (a numbered list or a
    /// code block is never cut in the middle of a line), else the first block cut on a clean boundary, a code
    /// fence closed again.
    /// </summary>
    internal static string CutMarkdown(string markdown, int maxChars)
    {
        if (markdown.Length <= maxChars)
        {
            return markdown;
        }

        var kept = new System.Text.StringBuilder();
        foreach (var block in markdown.Split("\n\n"))
        {
            if (kept.Length + block.Length + 2 > maxChars)
            {
                // The room left takes a cut of a paragraph (a title alone answers nothing), never of a list or code.
                var room = maxChars - kept.Length - 2;
                if (kept.Length > 0 && room >= 60 && !IsStructured(block))
                {
                    kept.Append("\n\n").Append(TextCut.AtBoundary(block, room));
                }

                break;
            }

            kept.Append(kept.Length == 0 ? "" : "\n\n").Append(block);
        }

        if (kept.Length > 0)
        {
            return kept.ToString();
        }

        var first = markdown.Split("\n\n")[0];
        if (first.StartsWith("```", StringComparison.Ordinal) || first.StartsWith("~~~", StringComparison.Ordinal))
        {
            var fence = first[..3];
            var lines = first.Split('\n');
            var code = new System.Text.StringBuilder(lines[0]);
            foreach (var line in lines.Skip(1).Where(l => !l.StartsWith(fence, StringComparison.Ordinal)))
            {
                if (code.Length + line.Length + fence.Length + 2 > maxChars)
                {
                    break;
                }

                code.Append('\n').Append(line);
            }

            return code.Append('\n').Append(fence).ToString();
        }

        return TextCut.AtBoundary(first, maxChars);
    }
}
