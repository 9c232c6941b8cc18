using System.Globalization;

namespace SupportRelay.Bot;

/// <summary>Cuts text on text-element boundaries, so emoji, accents and non-Latin scripts survive.</summary>
public static class TextCut
{
    public const string Ellipsis = "…";

    /// <summary>At most <paramref name="maxElements"/> text elements, preferring to end at a word boundary.</summary>
    public static string Truncate(string text, int maxElements)
    {
        var info = new StringInfo(text);
        if (info.LengthInTextElements <= maxElements)
        {
            return text;
        }

        var kept = info.SubstringByTextElements(0, Math.Max(0, maxElements - 1));
        var lastSpace = kept.LastIndexOfAny([' ', '\n', '\t']);
        if (lastSpace > kept.Length * 3 / 4)
        {
            kept = kept[..lastSpace];
        }

        return kept.TrimEnd() + Ellipsis;
    }
}
