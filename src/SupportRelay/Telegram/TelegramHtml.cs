using SupportRelay.Text;

namespace SupportRelay.Telegram;

/// <summary>Telegram's HTML parse mode: only <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> (and quotes in attributes) need escaping.</summary>
public static class TelegramHtml
{
    public static string Escape(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>
    /// Escapes <paramref name="text"/> and cuts it (before escaping, on a clean boundary) so the escaped
    /// result fits in <paramref name="maxLength"/> UTF-16 code units.
    /// </summary>
    public static string EscapeWithin(string text, int maxLength)
    {
        if (maxLength <= 0)
        {
            return "";
        }

        var escaped = Escape(text);
        var cut = text.Length;
        while (escaped.Length > maxLength && cut > 1)
        {
            // Escaping lengthens the text: shrink the cut in proportion to the overflow and try again.
            var room = Math.Max(1, (int)((long)cut * maxLength / escaped.Length) - 1);
            var shorter = TextCut.AtBoundary(text, room);
            cut = Math.Min(room, shorter.Length);
            escaped = Escape(shorter);
        }

        return escaped.Length <= maxLength ? escaped : "";
    }

    public static string Link(Uri url, string label) => $"<a href=\"{Escape(url.ToString())}\">{Escape(label)}</a>";
}
