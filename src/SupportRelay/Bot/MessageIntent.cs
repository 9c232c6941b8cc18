using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace SupportRelay.Bot;

/// <summary>What a customer's message asks for before any retrieval.</summary>
public enum Intent
{
    Question,
    Person,
    Greeting,
    Thanks,
}

/// <summary>
/// Reads a message as words, not substrings: "agent" asks for a person, "management" does not. A
/// message is a bare greeting or thanks only when nothing but greeting words is left, so
/// "hi, my VM won't boot" is a question.
/// </summary>
public sealed class MessageIntent(IOptionsMonitor<BotOptions> options)
{
    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "there", "team", "all", "again", "so", "much", "very", "a", "lot", "you", "guys", "everyone", "bot",
        "and", "de", "à", "tous", "beaucoup", "vielen", "muchas", "mille", "tanto", "tout", "le", "monde",
    };

    private static readonly HashSet<string> ThanksWords = new(StringComparer.Ordinal)
    {
        "thanks", "thank", "thx", "ty", "cheers", "merci", "danke", "gracias", "grazie", "obrigado", "obrigada",
    };

    public Intent Classify(string message)
    {
        var words = Words(message);
        if (words.Count == 0)
        {
            return Intent.Greeting;
        }

        var settings = options.CurrentValue;
        foreach (var phrase in settings.HandoffPhrases)
        {
            if (ContainsPhrase(words, Words(phrase)))
            {
                return Intent.Person;
            }
        }

        // Remove every greeting phrase, longest first, then see whether anything meaningful is left.
        var remaining = words.ToList();
        var thanks = false;
        foreach (var greeting in settings.Greetings.Select(Words).Where(g => g.Count > 0).OrderByDescending(g => g.Count))
        {
            int index;
            while ((index = IndexOf(remaining, greeting)) >= 0)
            {
                thanks |= greeting.Any(ThanksWords.Contains);
                remaining.RemoveRange(index, greeting.Count);
            }
        }

        if (remaining.Count == words.Count || remaining.Any(w => !Fillers.Contains(w)))
        {
            return Intent.Question;
        }

        return thanks ? Intent.Thanks : Intent.Greeting;
    }

    /// <summary>
    /// The message without the greetings it opens with ("hi, my VM won't boot" → "my VM won't boot"),
    /// so that retrieval sees only the question.
    /// </summary>
    public string WithoutGreeting(string message)
    {
        var rest = message.AsSpan().TrimStart();
        var greetings = options.CurrentValue.Greetings;
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var greeting in greetings.OrderByDescending(g => g.Length))
            {
                if (greeting.Length > 0 && rest.StartsWith(greeting, StringComparison.OrdinalIgnoreCase)
                    && (rest.Length == greeting.Length || !char.IsLetterOrDigit(rest[greeting.Length])))
                {
                    rest = rest[greeting.Length..].TrimStart(" \t\r\n,.!;:-—–".AsSpan());
                    changed = true;
                    break;
                }
            }
        }

        return rest.Length == 0 ? message : rest.ToString();
    }

    /// <summary>Lower-cased words of letters and digits; apostrophes and hyphens stay inside words.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            // Apostrophes and hyphens inside a word keep it whole: "won't", "user-agent" (which is not "agent").
            if (Rune.IsLetterOrDigit(rune) || ((rune.Value is '\'' or '’' or '-') && current.Length > 0))
            {
                current.Append(rune.ToString().ToLower(CultureInfo.InvariantCulture));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString().TrimEnd('\'', '’', '-'));
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString().TrimEnd('\'', '’', '-'));
        }

        return words;
    }

    private static bool ContainsPhrase(List<string> words, List<string> phrase) => phrase.Count > 0 && IndexOf(words, phrase) >= 0;

    private static int IndexOf(List<string> words, List<string> phrase)
    {
        for (var i = 0; i + phrase.Count <= words.Count; i++)
        {
            var match = true;
            for (var j = 0; j < phrase.Count && match; j++)
            {
                match = string.Equals(words[i + j], phrase[j], StringComparison.Ordinal);
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
