namespace SupportRelay.Bot;

/// <summary>
/// The word classes of <see cref="BotOptions.PhraseWords"/>, compiled once each however many phrases name them,
/// and the reading of a phrase's words into pieces (<see cref="IntentPattern"/>).
/// </summary>
internal sealed class IntentClasses(IReadOnlyDictionary<string, List<string>> entries)
{
    private readonly Dictionary<string, IntentPattern.Node> _compiled = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The class <paramref name="name"/> as one choice between its entries.</summary>
    public IntentPattern.Node Class(string name, IReadOnlyList<string> naming)
    {
        if (_compiled.TryGetValue(name, out var known))
        {
            return known;
        }

        if (naming.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new FormatException($"{{{name}}} names itself");
        }

        var list = entries.FirstOrDefault(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase)).Value
            ?? throw new FormatException($"{{{name}}} is not a class of Bot:PhraseWords");
        var node = new IntentPattern.Choice([.. list.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => Sequence(e, [.. naming, name]))]);
        _compiled[name] = node;
        return node;
    }

    /// <summary>The words of one part of a phrase (or of a class entry), in order.</summary>
    public IntentPattern.Node Sequence(string text, IReadOnlyList<string> naming)
    {
        var nodes = new List<IntentPattern.Node>();
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (token is "..." or "…")
            {
                nodes.Add(IntentPattern.Gap.Instance);
                continue;
            }

            var alternatives = token.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(a => Alternative(a, naming)).ToList();
            if (alternatives.Count == 0)
            {
                throw new FormatException($"\"{token}\" has no word");
            }

            nodes.Add(alternatives.Count == 1 ? alternatives[0] : new IntentPattern.Choice(alternatives));
        }

        if (nodes.Count == 0 || nodes.All(n => n is IntentPattern.Gap or IntentPattern.End or IntentPattern.Start))
        {
            throw new FormatException($"\"{text}\" has no word");
        }

        return nodes.Count == 1 ? nodes[0] : new IntentPattern.Sequence(nodes);
    }

    private IntentPattern.Node Alternative(string text, IReadOnlyList<string> naming)
    {
        switch (text)
        {
            case "$":
                return IntentPattern.End.Instance;
            case "^":
                return IntentPattern.Start.Instance;
            case "#":
                return IntentPattern.Number.Instance;
        }

        if (text.StartsWith('{') && text.EndsWith('}') && text.Length > 2)
        {
            return Class(text[1..^1], naming);
        }

        // A written word may be several of the message's ("l'équipe", "passez-moi").
        var words = IntentText.Words(text);
        return words.Count switch
        {
            0 => throw new FormatException($"\"{text}\" has no word"),
            1 => new IntentPattern.Word(words[0]),
            _ => new IntentPattern.Sequence([.. words.Select(w => new IntentPattern.Word(w))]),
        };
    }
}
