using System.Net;
using System.Text.RegularExpressions;

namespace SupportRelay.Chatwoot;

/// <summary>
/// Chatwoot 4.9.0 to 4.12.0 put the channel-rendered text in the top-level <c>content</c> of message webhooks
/// (#12600, <c>MessageContentPresenter#outgoing_content</c>; undone in 4.12.1 by #13896): for a web widget,
/// commonmarker's HTML, <c>"hi"</c> as <c>"&lt;p&gt;hi&lt;/p&gt;\n"</c>, <c>&amp;</c> as <c>&amp;amp;</c> and raw HTML
/// as <c>&lt;!-- raw HTML omitted --&gt;</c>. The raw text is in <c>conversation.messages[]</c> when that holds the
/// message; when it does not, this turns the HTML back into text.
/// </summary>
public static partial class RenderedContent
{
    /// <summary>Whether <paramref name="content"/> has the shape of commonmarker's HTML: block elements, a paragraph per line.</summary>
    public static bool LooksRendered(string content) =>
        content.Length > 0 && content[0] == '<' && (content.EndsWith(">\n", StringComparison.Ordinal) || content.EndsWith('>')) && BlockStart().IsMatch(content);

    /// <summary>The text of commonmarker's HTML: tags and comments dropped, entities decoded, one line per block.</summary>
    public static string ToText(string html)
    {
        var text = Comment().Replace(html, "");
        text = LineBreak().Replace(text, "\n");
        text = BlockEnd().Replace(text, "\n");
        text = ListItem().Replace(text, "- ");
        text = Tag().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        return BlankLines().Replace(text, "\n\n").Trim();
    }

    [GeneratedRegex(@"^<(p|ul|ol|h[1-6]|pre|blockquote|table|hr)[\s/>]", RegexOptions.CultureInvariant)]
    private static partial Regex BlockStart();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<br\s*/?>\n?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"</(p|li|h[1-6]|pre|blockquote|tr)>\n?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"<li[^>]*>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ListItem();

    [GeneratedRegex("<[^>]+>", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\n{3,}", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLines();
}
