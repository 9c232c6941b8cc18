using System.Globalization;
using System.Text;

namespace SupportRelay.Retrieval;

/// <summary>A question's language (an ISO 639-1 code) and how sure the detector is, in [0, 1].</summary>
public sealed record DetectedLanguage(string Language, double Confidence);

/// <summary>
/// Tells the language of a short support question without a model: the script when it belongs to one
/// language the analyzers know (Greek, Armenian, Hebrew, Devanagari, Hangul, Kana, Thai; Cyrillic is read
/// as Russian unless Bulgarian or Ukrainian letters show; Arabic script as Arabic unless Persian letters
/// show), else the function words ("the", "le", "der", "el", "il", "o"…) of English, French, German, Spanish,
/// Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Turkish, Indonesian and Polish, with a few
/// letters that belong to one language (ß, ñ, ã).
/// Limits, by design: a question of two or three content words ("vps reboot", "facture") has no function
/// words and is left undetected (the conversation's locale decides); close languages (Danish and
/// Norwegian, Spanish and Portuguese, Indonesian and Malay) are told apart only by their commonest words;
/// Han characters without kana are read as Chinese; a mixed question goes to its majority.
/// </summary>
public static class LanguageDetector
{
    /// <summary>Below this the detection is not used and the conversation's locale decides.</summary>
    public const double MinConfidence = 0.6;

    private static readonly Dictionary<string, string[]> FunctionWords = new(StringComparer.Ordinal)
    {
        ["en"] = ["the", "is", "are", "how", "what", "my", "i", "you", "to", "and", "of", "can", "do", "does", "with", "it", "not", "this", "why", "where", "when", "have", "in", "on", "for", "an", "a", "we", "our", "your", "there", "which", "from", "doesn't", "don't", "can't", "won't", "isn't"],
        ["fr"] = ["le", "la", "les", "un", "une", "des", "est", "je", "mon", "ma", "mes", "comment", "pourquoi", "pas", "ne", "et", "de", "du", "pour", "avec", "que", "qui", "sur", "dans", "il", "elle", "vous", "nous", "votre", "ce", "cette", "où", "quand", "puis", "faire", "au", "aux", "j'ai", "c'est", "n'est", "ça"],
        ["de"] = ["der", "die", "das", "und", "ist", "ich", "nicht", "wie", "was", "mein", "meine", "ein", "eine", "einen", "mit", "für", "auf", "warum", "wo", "kann", "können", "sie", "wir", "es", "zu", "den", "dem", "des", "im", "ist", "bei", "habe", "wird", "geht", "keine", "kein", "mich", "mir"],
        ["es"] = ["el", "la", "los", "las", "un", "una", "es", "mi", "mis", "cómo", "como", "qué", "que", "por", "para", "con", "no", "puedo", "y", "de", "del", "en", "se", "lo", "está", "estoy", "tengo", "mí", "dónde", "cuándo", "hay", "su", "al", "pero", "muy"],
        ["it"] = ["il", "lo", "la", "gli", "le", "un", "una", "è", "mio", "mia", "come", "perché", "che", "non", "di", "del", "della", "per", "con", "posso", "e", "in", "si", "sono", "ho", "dove", "quando", "cosa", "al", "alla", "nel", "questo", "anche"],
        ["pt"] = ["o", "a", "os", "as", "um", "uma", "é", "meu", "minha", "como", "porque", "por", "que", "não", "de", "do", "da", "para", "com", "posso", "e", "em", "no", "na", "se", "está", "estou", "tenho", "onde", "quando", "você", "ao", "isso", "ele"],
        ["nl"] = ["de", "het", "een", "is", "ik", "mijn", "hoe", "wat", "niet", "en", "van", "voor", "met", "kan", "waarom", "waar", "wanneer", "op", "te", "dat", "die", "er", "zijn", "heb", "mijn", "ook", "bij", "naar", "werkt", "geen"],
        ["sv"] = ["och", "är", "jag", "min", "mitt", "hur", "vad", "inte", "en", "ett", "det", "att", "för", "med", "kan", "varför", "var", "när", "på", "av", "som", "har", "till", "den", "fungerar", "inget", "ingen"],
        ["da"] = ["og", "er", "jeg", "min", "mit", "hvordan", "hvad", "ikke", "en", "et", "det", "at", "for", "med", "kan", "hvorfor", "hvor", "når", "på", "af", "som", "har", "til", "den", "virker", "mig"],
        ["nb"] = ["og", "er", "jeg", "min", "mitt", "hvordan", "hva", "ikke", "en", "et", "det", "å", "for", "med", "kan", "hvorfor", "hvor", "når", "på", "av", "som", "har", "til", "den", "fungerer", "meg"],
        ["tr"] = ["bir", "ve", "bu", "ne", "nasıl", "neden", "için", "ile", "değil", "benim", "var", "yok", "mi", "mı", "mu", "mü", "da", "de", "çok", "ama"],
        ["id"] = ["yang", "dan", "di", "ini", "itu", "saya", "bagaimana", "apa", "tidak", "dengan", "untuk", "bisa", "mengapa", "kenapa", "dari", "ke", "ada", "akan", "sudah", "cara"],
        // Not "i", "w", "z", "do", "to", "na": English and others have them too.
        ["pl"] = ["jest", "nie", "jak", "mój", "moja", "moje", "się", "dlaczego", "gdzie", "kiedy", "czy", "mogę", "że", "mam", "jestem", "mój", "moim", "mojego"],
    };

    /// <summary>Letters that occur in one of the word-profile languages only: each counts as one more word.</summary>
    private static readonly (char Letter, string Language)[] TellingLetters =
    [
        ('ß', "de"), ('ñ', "es"), ('¿', "es"), ('¡', "es"), ('ã', "pt"), ('õ', "pt"), ('ı', "tr"), ('ğ', "tr"), ('ş', "tr"),
        ('ł', "pl"), ('ą', "pl"), ('ę', "pl"), ('ż', "pl"), ('ś', "pl"), ('ź', "pl"), ('œ', "fr"), ('ç', "fr"), ('ø', "da"), ('æ', "da"),
        ('ì', "it"), ('ò', "it"), ('ä', "de"), ('ö', "de"), ('ü', "de"), ('å', "sv"), ('ĳ', "nl"),
    ];

    private static readonly Lazy<Dictionary<string, HashSet<string>>> Profiles = new(() =>
        FunctionWords.ToDictionary(p => p.Key, p => p.Value.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal));

    /// <summary>The question's language, or null when it cannot be told with <see cref="MinConfidence"/>.</summary>
    public static DetectedLanguage? Detect(string? text)
    {
        var detected = Guess(text);
        return detected is not null && detected.Confidence >= MinConfidence ? detected : null;
    }

    /// <summary>The best guess whatever its confidence; null for text without letters.</summary>
    public static DetectedLanguage? Guess(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return ByScript(text) ?? ByWords(text);
    }

    private static DetectedLanguage? ByScript(string text)
    {
        int latin = 0, cyrillic = 0, greek = 0, arabic = 0, persian = 0, hebrew = 0, devanagari = 0, armenian = 0,
            han = 0, kana = 0, hangul = 0, thai = 0, bulgarian = 0, ukrainian = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (!Rune.IsLetter(rune))
            {
                continue;
            }

            switch (c)
            {
                case < 0x0250: latin++; break;
                case >= 0x0370 and <= 0x03FF: greek++; break;
                case >= 0x0400 and <= 0x04FF:
                    cyrillic++;
                    // ъ is common in Bulgarian and rare in Russian; і, ї, є, ґ are Ukrainian letters.
                    if (c is 'ъ' or 'Ъ') { bulgarian++; }
                    if (c is 'і' or 'ї' or 'є' or 'ґ' or 'І' or 'Ї' or 'Є' or 'Ґ') { ukrainian++; }
                    break;
                case >= 0x0530 and <= 0x058F: armenian++; break;
                case >= 0x0590 and <= 0x05FF: hebrew++; break;
                case >= 0x0600 and <= 0x06FF:
                    arabic++;
                    if (c is 'پ' or 'چ' or 'ژ' or 'گ' or 'ی' or 'ک') { persian++; }
                    break;
                case >= 0x0900 and <= 0x097F: devanagari++; break;
                case >= 0x0E00 and <= 0x0E7F: thai++; break;
                case >= 0x3040 and <= 0x30FF: kana++; break;
                case >= 0xAC00 and <= 0xD7AF or >= 0x1100 and <= 0x11FF: hangul++; break;
                case >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF: han++; break;
                default: break;
            }
        }

        var letters = latin + cyrillic + greek + arabic + hebrew + devanagari + armenian + han + kana + hangul + thai;
        if (letters == 0 || latin * 2 >= letters)
        {
            return null;
        }

        // Japanese mixes kanji with kana; kana alone decides it.
        var (language, count) = new[]
        {
            (kana > 0 ? "ja" : "zh", han + kana),
            ("ko", hangul),
            (ukrainian > 0 ? "uk" : bulgarian > 0 ? "bg" : "ru", cyrillic),
            ("el", greek),
            (persian > 0 ? "fa" : "ar", arabic),
            ("he", hebrew),
            ("hi", devanagari),
            ("hy", armenian),
            ("th", thai),
        }.MaxBy(s => s.Item2);
        return new DetectedLanguage(language, Math.Round((double)count / letters, 3));
    }

    private static DetectedLanguage? ByWords(string text)
    {
        var lower = text.ToLower(CultureInfo.InvariantCulture);
        var words = Words(lower);
        if (words.Count == 0)
        {
            return null;
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (language, profile) in Profiles.Value)
        {
            scores[language] = words.Count(profile.Contains);
        }

        foreach (var (letter, language) in TellingLetters)
        {
            if (lower.Contains(letter, StringComparison.Ordinal))
            {
                scores[language] += 1;
            }
        }

        var ranked = scores.OrderByDescending(s => s.Value).ToList();
        var (best, score) = ranked[0];
        var second = ranked[1].Value;
        if (score <= 0)
        {
            return new DetectedLanguage("und", 0);
        }

        // Sure when there are two signals or more and the runner-up has clearly fewer: one word alone
        // ("le", "de", "a") belongs to too many languages to decide.
        var margin = (score - second) / score;
        return new DetectedLanguage(best, Math.Round(margin * Math.Min(1, score / 2), 3));
    }

    private static List<string> Words(string lower)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in lower)
        {
            if (char.IsLetter(c) || c == '\'' || c == '’')
            {
                current.Append(c == '’' ? '\'' : c);
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
