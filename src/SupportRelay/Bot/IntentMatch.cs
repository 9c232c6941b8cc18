namespace SupportRelay.Bot;

/// <summary>
/// A message being matched against the intent phrases: its words (<see cref="IntentText"/>) and, per piece of a
/// phrase and word, where that piece can end. Word classes are shared by many phrases, so each is matched once
/// per word of the message, however many phrases name it.
/// </summary>
/// <param name="forgiving">Whether a word may have a typo (<see cref="IntentText.Similar"/>); else it must be the phrase's, accents aside.</param>
internal sealed class IntentMatch(IReadOnlyList<string> words, bool forgiving)
{
    private readonly Dictionary<(IntentPattern.Node Node, int Start), List<int>> _ends = [];

    public IReadOnlyList<string> Words { get; } = words;

    public bool Forgiving { get; } = forgiving;

    public bool Is(string expected, int position) => Forgiving
        ? IntentText.Similar(expected, Words[position])
        : string.Equals(expected, Words[position], StringComparison.Ordinal);

    public IReadOnlyList<int> Ends(IntentPattern.Node node, int start)
    {
        // A word is quicker to compare than to look up.
        if (node is IntentPattern.Word word)
        {
            return start < Words.Count && Is(word.Text, start) ? [start + 1] : [];
        }

        if (!_ends.TryGetValue((node, start), out var ends))
        {
            var found = new List<int>();
            node.Ends(this, start, found);
            ends = found;
            _ends[(node, start)] = ends;
        }

        return ends;
    }
}
