using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;

namespace SupportRelay.Bot;

/// <summary>
/// Reads a message as words, not substrings: "agent" asks for a person, "management" and "the datadog agent" do
/// not. First whether it asks for a person (<see cref="BotOptions.HandoffPhrases"/>, forgiving typos), then
/// whether it asks for what only a person can do (<see cref="BotOptions.PersonOnlyPhrases"/>) without asking how
/// to do it oneself (<see cref="BotOptions.HowToPhrases"/>: "please close our account" is a person's job, "how do
/// I close my account?" a question the articles answer). A message is a bare greeting or thanks only when nothing
/// but greeting words is left, so "hi, my VM won't boot" is a question.
/// </summary>
public sealed class MessageIntent(IOptionsMonitor<BotOptions> options)
{
    internal static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "there", "team", "all", "again", "so", "much", "very", "a", "lot", "you", "guys", "everyone", "bot",
        "and", "de", "à", "tous", "beaucoup", "vielen", "muchas", "mille", "tanto", "tout", "le", "monde",
    };

    private static readonly HashSet<string> ThanksWords = new(StringComparer.Ordinal)
    {
        "thanks", "thank", "thx", "ty", "cheers", "merci", "danke", "gracias", "grazie", "obrigado", "obrigada",
    };

    // Compiled once per options instance: a configuration reload brings a new instance, and its phrases.
    private readonly ConditionalWeakTable<BotOptions, IntentPhrases> _phrases = new();

    public Intent Classify(string message) => Explain(message).Intent;

    /// <summary>The intent and the phrase that decided it (null for a question, a greeting or thanks).</summary>
    internal (Intent Intent, string? Phrase) Explain(string message)
    {
        var words = Words(message);
        if (words.Count == 0)
        {
            return (Intent.Greeting, null);
        }

        var settings = options.CurrentValue;
        var phrases = _phrases.GetValue(settings, IntentPhrases.Compile);
        var typed = new IntentMatch(IntentText.Words(message), forgiving: true);
        if (phrases.Handoff.FirstOrDefault(p => p.Matches(typed)) is { } handoff)
        {
            return (Intent.Person, handoff.Text);
        }

        if (phrases.IsBareRequest(typed))
        {
            return (Intent.Person, nameof(BotOptions.HandoffWords));
        }

        // Exact words here: a typo forgiven among so many verbs makes others ("clone" is not "close").
        var exact = new IntentMatch(typed.Words, forgiving: false);
        if (phrases.PersonOnly.FirstOrDefault(p => p.Matches(exact)) is { } personOnly && !phrases.HowTo.Any(p => p.Matches(exact)))
        {
            return (Intent.PersonOnly, personOnly.Text);
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
            return (Intent.Question, null);
        }

        return (thanks ? Intent.Thanks : Intent.Greeting, null);
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
