namespace SupportRelay.Bot;

/// <summary>
/// The phrases of one <see cref="BotOptions"/>, compiled (<see cref="IntentPattern"/>). Compiling checks them: a
/// phrase naming a class that <see cref="BotOptions.PhraseWords"/> lacks is a configuration error at start.
/// </summary>
internal sealed class IntentPhrases
{
    /// <summary>The class of ways to say "please", which may come with a bare request ("agent please").</summary>
    public const string PleaseClass = "please";

    /// <summary>Articles a bare request may carry: "an agent", "un conseiller", "einen Mitarbeiter".</summary>
    private static readonly string[] Articles =
        ["a", "an", "the", "un", "une", "le", "la", "ein", "eine", "einen", "einem", "der", "die", "el", "una", "uno", "um", "uma", "o", "een", "de", "het"];

    private readonly IntentPattern.Choice _bareWords;
    private readonly IntentPattern.Choice _beside;

    private IntentPhrases(BotOptions options)
    {
        var classes = new IntentClasses(options.PhraseWords);
        Handoff = Parse(options.HandoffPhrases, classes, nameof(BotOptions.HandoffPhrases));
        PersonOnly = Parse(options.PersonOnlyPhrases, classes, nameof(BotOptions.PersonOnlyPhrases));
        HowTo = Parse(options.HowToPhrases, classes, nameof(BotOptions.HowToPhrases));
        _bareWords = Choice(options.HandoffWords, classes);
        _beside = Choice([.. options.Greetings, .. Articles, .. MessageIntent.Fillers,
            .. options.PhraseWords.ContainsKey(PleaseClass) ? ["{" + PleaseClass + "}"] : Array.Empty<string>()], classes);
    }

    public IReadOnlyList<IntentPattern> Handoff { get; }

    public IReadOnlyList<IntentPattern> PersonOnly { get; }

    public IReadOnlyList<IntentPattern> HowTo { get; }

    /// <summary>Compiles the phrases of <paramref name="options"/>; throws <see cref="FormatException"/> naming the phrase at fault.</summary>
    public static IntentPhrases Compile(BotOptions options) => new(options);

    /// <summary>What is wrong with the phrases of <paramref name="options"/>, or null.</summary>
    public static string? Problem(BotOptions options)
    {
        try
        {
            _ = Compile(options);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// Whether the message is one of <see cref="BotOptions.HandoffWords"/> and nothing else but greetings, articles
    /// and "please" ("agent", "Agent please!", "un conseiller svp"): what the hint tells customers to reply.
    /// </summary>
    public bool IsBareRequest(IntentMatch message)
    {
        var requested = false;
        var position = 0;
        while (position < message.Words.Count)
        {
            // The longest reading first, so that "good morning" is one greeting, not "good" left over.
            var beside = message.Ends(_beside, position);
            var request = requested ? [] : message.Ends(_bareWords, position);
            if (request.Count > 0 && (beside.Count == 0 || request.Max() >= beside.Max()))
            {
                requested = true;
                position = request.Max();
            }
            else if (beside.Count > 0 && beside.Max() > position)
            {
                position = beside.Max();
            }
            else
            {
                return false;
            }
        }

        return requested;
    }

    private static List<IntentPattern> Parse(IEnumerable<string> phrases, IntentClasses classes, string setting)
    {
        var patterns = new List<IntentPattern>();
        foreach (var phrase in phrases.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            try
            {
                patterns.Add(IntentPattern.Parse(phrase, classes));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"Bot:{setting} \"{phrase}\": {ex.Message}", ex);
            }
        }

        return patterns;
    }

    private static IntentPattern.Choice Choice(IEnumerable<string> entries, IntentClasses classes) =>
        new IntentPattern.Choice([.. entries.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => classes.Sequence(e, []))]);
}
