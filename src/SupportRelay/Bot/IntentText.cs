using System.Globalization;
using System.Text;

namespace SupportRelay.Bot;

/// <summary>
/// Words as the intent phrases compare them: lower case, without accents ("técnico" and "tecnico" are one word,
/// customers often type without them), pronouns apart ("passez-moi" is "passez moi"), French and Italian elisions apart ("l'équipe" is "l" and "equipe",
/// "c'è" is "c" and "e", as a phrase writing "l'équipe" reads too), and forgiving one typo in a longer word (<see cref="Similar"/>).
/// </summary>
internal static class IntentText
{
    /// <summary>Elided articles and pronouns that are written onto the next word; "quelqu'un" and "don't" stay whole.</summary>
    private static readonly HashSet<string> Elisions = new(StringComparer.Ordinal)
    {
        "l", "d", "j", "m", "t", "s", "c", "n", "qu", "lorsqu", "puisqu", "jusqu", "un", "dell", "all", "dall", "nell", "sull",
    };

    /// <summary>Pronouns written after a verb and a hyphen, in French, Spanish and Portuguese.</summary>
    private static readonly HashSet<string> Clitics = new(StringComparer.Ordinal)
    {
        "moi", "toi", "nous", "vous", "lui", "leur", "le", "la", "les", "ce", "il", "elle", "on", "en", "y",
        "me", "te", "se", "nos", "vos", "lo", "los", "las", "mich", "mir", "uns",
    };

    /// <summary>The message's words, folded, elisions and pronouns split off.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        foreach (var word in MessageIntent.Words(text))
        {
            var folded = Unstretched(Fold(word));
            var apostrophe = folded.IndexOf('\'', StringComparison.Ordinal);
            if (apostrophe > 0 && apostrophe < folded.Length - 1 && Elisions.Contains(folded[..apostrophe]))
            {
                words.Add(folded[..apostrophe]);
                folded = folded[(apostrophe + 1)..];
            }

            // A pronoun joined by a hyphen is a word of its own, as customers also write it: "passez-moi" is
            // "passez moi", "est-ce" is "est ce". Other hyphenated words stay whole: "user-agent" is not "agent".
            var parts = folded.Split('-');
            if (parts.Length > 1 && parts.Skip(1).All(Clitics.Contains) && parts[0].Length > 0)
            {
                words.AddRange(parts);
            }
            else
            {
                words.Add(folded);
            }
        }

        return words;
    }

    /// <summary>The word with letters typed three times or more once: "hellooo" is "hello", "pleeease" "please".</summary>
    private static string Unstretched(string word)
    {
        var text = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            var run = 1;
            while (i + run < word.Length && word[i + run] == word[i])
            {
                run++;
            }

            text.Append(word[i], run >= 3 && char.IsLetter(word[i]) ? 1 : run);
            i += run - 1;
        }

        return text.ToString();
    }

    /// <summary>A lower-case word without its accents; the typographic apostrophe becomes the plain one.</summary>
    public static string Fold(string word)
    {
        var text = new StringBuilder(word.Length);
        foreach (var c in word.Normalize(NormalizationForm.FormD))
        {
            switch (c)
            {
                case '’':
                    text.Append('\'');
                    break;
                case 'ß':
                    text.Append("ss");
                    break;
                case 'œ':
                    text.Append("oe");
                    break;
                case 'æ':
                    text.Append("ae");
                    break;
                default:
                    if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                    {
                        text.Append(char.ToLowerInvariant(c));
                    }

                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Whether the customer's <paramref name="typed"/> word is the phrase's <paramref name="expected"/> one, or it
    /// with one typo inside: two neighbours swapped from four letters ("tlak", "agnet"), one letter replaced from
    /// five ("speek"), one letter more or less from six ("peson"). The first and the last letters must be right and
    /// words with digits exact, because a change there makes another word more often than a typo: "backed" is not
    /// "hacked", "humane" not "humano", "agent" not "agente", "503" not "502".
    /// </summary>
    public static bool Similar(string expected, string typed)
    {
        if (string.Equals(expected, typed, StringComparison.Ordinal))
        {
            return true;
        }

        if (expected.Length < 4 || typed.Length < 4 || typed[0] != expected[0] || typed[^1] != expected[^1]
            || Math.Abs(expected.Length - typed.Length) > 1 || expected.AsSpan().ContainsAnyInRange('0', '9') || typed.AsSpan().ContainsAnyInRange('0', '9'))
        {
            return false;
        }

        if (expected.Length == typed.Length)
        {
            var first = -1;
            var differences = 0;
            for (var i = 0; i < expected.Length; i++)
            {
                if (expected[i] != typed[i])
                {
                    first = differences == 0 ? i : first;
                    differences++;
                }
            }

            var swapped = differences == 2 && expected[first] == typed[first + 1] && expected[first + 1] == typed[first];
            return swapped || (differences == 1 && expected.Length >= 5);
        }

        if (Math.Min(expected.Length, typed.Length) < 5)
        {
            return false;
        }

        // One letter more or less: the longer word with one letter left out is the shorter one.
        var (longer, shorter) = expected.Length > typed.Length ? (expected, typed) : (typed, expected);
        var skipped = false;
        for (int i = 0, j = 0; j < shorter.Length; i++)
        {
            if (longer[i] == shorter[j])
            {
                j++;
            }
            else if (skipped)
            {
                return false;
            }
            else
            {
                skipped = true;
            }
        }

        return true;
    }
}
