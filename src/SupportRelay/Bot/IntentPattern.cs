namespace SupportRelay.Bot;

/// <summary>
/// One phrase of <see cref="BotOptions.HandoffPhrases"/>, <see cref="BotOptions.PersonOnlyPhrases"/> or
/// <see cref="BotOptions.HowToPhrases"/>, read as whole words (<see cref="IntentText"/>). Beyond plain words a
/// phrase may use: <c>a|b</c>, either word; <c>{name}</c>, any entry of <see cref="BotOptions.PhraseWords"/>
/// <c>name</c> (entries are phrases themselves); <c>...</c>, up to three words of anything; <c>#</c>, a number
/// ("10", "9am", "2h"); <c>^</c> and <c>$</c>, the start and the end of the message ("is there anyone?" but not
/// "is there anyone who uses Sidekiq?"); and <c>&amp;</c> between parts that must all be somewhere in the
/// message, in any order ("{please} ... {act} &amp; {mine}").
/// Word classes keep the phrases few and the languages apart: one list of ways to say "please", not one phrase
/// per verb and politeness.
/// </summary>
internal sealed class IntentPattern
{
    /// <summary>Words <c>...</c> may skip: enough for "talk [to one of your] engineers", too few to join two sentences.</summary>
    public const int MaxGap = 3;

    private readonly Node[] _parts;

    private IntentPattern(string text, Node[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>The phrase as written.</summary>
    public string Text { get; }

    /// <summary>Compiles <paramref name="text"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static IntentPattern Parse(string text, IntentClasses classes)
    {
        var parts = text.Split('&', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => classes.Sequence(part, [])).ToArray();
        if (parts.Length == 0)
        {
            throw new FormatException("an empty phrase");
        }

        return new IntentPattern(text, parts);
    }

    /// <summary>Whether every part of the phrase is somewhere in <paramref name="message"/>.</summary>
    public bool Matches(IntentMatch message)
    {
        foreach (var part in _parts)
        {
            var found = false;
            for (var start = 0; start < message.Words.Count && !found; start++)
            {
                found = message.Ends(part, start).Count > 0;
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A piece of a phrase: where it can end when it starts at a word of the message.</summary>
    internal abstract class Node
    {
        /// <summary>Adds to <paramref name="ends"/> each position after a match starting at <paramref name="start"/>, once.</summary>
        public abstract void Ends(IntentMatch message, int start, List<int> ends);

        protected static void Add(List<int> ends, int end)
        {
            if (!ends.Contains(end))
            {
                ends.Add(end);
            }
        }
    }

    internal sealed class Word(string word) : Node
    {
        public string Text { get; } = word;

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            if (start < message.Words.Count && message.Is(Text, start))
            {
                Add(ends, start + 1);
            }
        }
    }

    internal sealed class End : Node
    {
        public static readonly End Instance = new();

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            if (start == message.Words.Count)
            {
                Add(ends, start);
            }
        }
    }

    internal sealed class Start : Node
    {
        public static readonly Start Instance = new();

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            if (start == 0)
            {
                Add(ends, start);
            }
        }
    }

    internal sealed class Number : Node
    {
        public static readonly Number Instance = new();

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            if (start < message.Words.Count && char.IsAsciiDigit(message.Words[start][0]))
            {
                Add(ends, start + 1);
            }
        }
    }

    internal sealed class Gap : Node
    {
        public static readonly Gap Instance = new();

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            for (var end = start; end <= Math.Min(start + MaxGap, message.Words.Count); end++)
            {
                Add(ends, end);
            }
        }
    }

    /// <summary>
    /// Any of its alternatives. A class has hundreds, so they are filed by the first and last letters of their first
    /// word, which a forgiven typo never changes (<see cref="IntentText.Similar"/>): a word of the message is
    /// compared with the few alternatives that can match it, not with all.
    /// </summary>
    internal sealed class Choice : Node
    {
        private readonly Dictionary<(char First, char Last), List<Node>> _byLetters = [];
        private readonly List<Node> _others = [];

        public Choice(IReadOnlyList<Node> alternatives)
        {
            foreach (var alternative in alternatives)
            {
                var first = alternative is Sequence sequence ? sequence.Nodes[0] : alternative;
                if (first is Word { Text.Length: > 0 } word)
                {
                    var key = (word.Text[0], word.Text[^1]);
                    if (!_byLetters.TryGetValue(key, out var filed))
                    {
                        _byLetters[key] = filed = [];
                    }

                    filed.Add(alternative);
                }
                else
                {
                    _others.Add(alternative);
                }
            }
        }

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            if (start < message.Words.Count && message.Words[start] is { Length: > 0 } word
                && _byLetters.TryGetValue((word[0], word[^1]), out var candidates))
            {
                foreach (var candidate in candidates)
                {
                    foreach (var end in message.Ends(candidate, start))
                    {
                        Add(ends, end);
                    }
                }
            }

            foreach (var other in _others)
            {
                foreach (var end in message.Ends(other, start))
                {
                    Add(ends, end);
                }
            }
        }
    }

    internal sealed class Sequence(IReadOnlyList<Node> nodes) : Node
    {
        public IReadOnlyList<Node> Nodes { get; } = nodes;

        public override void Ends(IntentMatch message, int start, List<int> ends)
        {
            // Most readings fail at the first word; a single way on is followed without a list of its own.
            var current = message.Ends(Nodes[0], start);
            for (var i = 1; i < Nodes.Count && current.Count > 0; i++)
            {
                if (current.Count == 1)
                {
                    current = message.Ends(Nodes[i], current[0]);
                    continue;
                }

                var next = new List<int>();
                foreach (var position in current)
                {
                    foreach (var end in message.Ends(Nodes[i], position))
                    {
                        Add(next, end);
                    }
                }

                current = next;
            }

            foreach (var end in current)
            {
                Add(ends, end);
            }
        }
    }
}
