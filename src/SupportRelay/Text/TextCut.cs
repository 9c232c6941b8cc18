using System.Globalization;

namespace SupportRelay.Text;

/// <summary>
/// Shortens text for a message without breaking what the reader sees: cuts fall between text
/// elements (grapheme clusters), so no surrogate pair, emoji sequence or combining accent is split,
/// and preferably after a sentence or between words.
/// </summary>
public static class TextCut
{
    private const char Ellipsis = '…';

    /// <summary>
    /// <paramref name="text"/> itself when it fits in <paramref name="maxChars"/> UTF-16 code units
    /// (the unit Telegram and Chatwoot count in); otherwise its longest prefix ending a sentence, or
    /// else ending a word followed by "…", or else (scripts without spaces) ending a text element
    /// followed by "…", always within <paramref name="maxChars"/>.
    /// </summary>
    public static string AtBoundary(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        text = text.Trim();
        if (text.Length <= maxChars)
        {
            return text;
        }

        var boundaries = StringInfo.ParseCombiningCharacters(text);

        // A sentence end needs no ellipsis; it is only worth it if it keeps at least half the room.
        var sentenceEnd = LastSentenceEnd(text, boundaries, maxChars);
        if (sentenceEnd >= maxChars / 2)
        {
            return text[..sentenceEnd].TrimEnd();
        }

        var room = maxChars - 1; // for the ellipsis
        if (room == 0)
        {
            return string.Empty;
        }
        var wordEnd = LastWordEnd(text, room);
        if (wordEnd >= room / 2)
        {
            return string.Concat(text.AsSpan(0, wordEnd).TrimEnd(), Ellipsis.ToString());
        }
        var elementEnd = LastBoundaryAtOrBefore(boundaries, room);
        return string.Concat(text.AsSpan(0, elementEnd).TrimEnd(), Ellipsis.ToString());
    }

    /// <summary>The end (exclusive) of the last sentence that fits, or 0.</summary>
    private static int LastSentenceEnd(string text, int[] boundaries, int maxChars)
    {
        for (var i = boundaries.Length - 1; i >= 0; i--)
        {
            var start = boundaries[i];
            var end = i + 1 < boundaries.Length ? boundaries[i + 1] : text.Length;
            if (end > maxChars || end - start != 1)
            {
                continue;
            }
            var c = text[start];
            // Full-width terminators end CJK sentences without a following space.
            if (c is '。' or '！' or '？' or '\n')
            {
                return end;
            }
            if (c is '.' or '!' or '?' && (end == text.Length || char.IsWhiteSpace(text[end])))
            {
                return end;
            }
        }
        return 0;
    }

    /// <summary>The start of the last whitespace at or before <paramref name="room"/>, or 0.</summary>
    private static int LastWordEnd(string text, int room)
    {
        // Whitespace characters are single code units, never inside a text element's tail.
        for (var i = Math.Min(room, text.Length - 1); i > 0; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }
        return 0;
    }

    private static int LastBoundaryAtOrBefore(int[] boundaries, int position)
    {
        var index = Array.BinarySearch(boundaries, position);
        return index >= 0 ? boundaries[index] : boundaries[Math.Max(~index - 1, 0)];
    }
}
