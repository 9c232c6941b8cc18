using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace SupportRelay.Retrieval;

/// <summary>
/// Turns Help Center Markdown into the plain text retrieval indexes and quotes: the words a reader
/// sees, without link targets, image syntax, HTML tags, fence markers or template tags.
/// </summary>
public static partial class MarkdownText
{
    // Pipe tables and strikethrough appear in Chatwoot and kramdown articles; without the extensions
    // their syntax would leak into the text as pipes and tildes.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseGridTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseListExtras()
        .UseDefinitionLists()
        .Build();

    /// <summary>Within a section, passages shorter than this are merged with the next block: a
    /// one-line paragraph says too little to answer anything.</summary>
    private const int MinPassageChars = 200;

    /// <summary>Passages grow up to about this size; longer single blocks stay whole and are cut by
    /// the caller.</summary>
    private const int MaxPassageChars = 800;

    /// <summary>The whole article as plain text, blocks separated by blank lines.</summary>
    public static string ToPlainText(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var builder = new StringBuilder(markdown.Length);
        foreach (var block in Blocks(markdown))
        {
            if (builder.Length > 0)
            {
                builder.Append("\n\n");
            }
            builder.Append(block.Text);
        }
        return builder.ToString();
    }

    /// <summary>
    /// The article split into paragraph-sized passages, in document order. A heading starts a new
    /// passage and stays with the text under it, so a passage quoted alone keeps its subject; short
    /// neighbours are merged up to a few hundred characters.
    /// </summary>
    public static IReadOnlyList<string> Passages(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var passages = new List<string>();
        var current = new StringBuilder();

        void Flush()
        {
            if (current.Length > 0)
            {
                passages.Add(current.ToString());
                current.Clear();
            }
        }

        var hasBody = false;
        foreach (var block in Blocks(markdown))
        {
            // A heading opens a new passage unless the current one holds only headings so far.
            var startsSection = block.IsHeading && hasBody;
            var overflows = current.Length > 0 && current.Length + block.Text.Length > MaxPassageChars
                && current.Length >= MinPassageChars;
            if (startsSection || overflows)
            {
                Flush();
                hasBody = false;
            }
            hasBody |= !block.IsHeading;
            if (current.Length > 0)
            {
                current.Append('\n');
            }
            current.Append(block.Text);
        }
        Flush();
        return passages;
    }

    /// <summary>
    /// The article in the same passages as <see cref="Passages"/>, each with its plain text (for matching) and its
    /// Markdown (for quoting): list numbering, emphasis and code blocks as the author wrote them, links that work
    /// outside the site kept, template tags, HTML, images and links to the site's own pages reduced to their text.
    /// </summary>
    public static IReadOnlyList<(string Text, string Markdown)> AnswerPassages(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var passages = new List<(string, string)>();
        var text = new StringBuilder();
        var source = new StringBuilder();
        void Flush()
        {
            if (text.Length > 0)
            {
                passages.Add((text.ToString(), source.ToString().Trim()));
                text.Clear();
                source.Clear();
            }
        }

        var hasBody = false;
        var stripped = StripTemplateTags(markdown);
        foreach (var block in Blocks(markdown))
        {
            var startsSection = block.IsHeading && hasBody;
            var overflows = text.Length > 0 && text.Length + block.Text.Length > MaxPassageChars && text.Length >= MinPassageChars;
            if (startsSection || overflows)
            {
                Flush();
                hasBody = false;
            }

            hasBody |= !block.IsHeading;
            if (text.Length > 0)
            {
                text.Append('\n');
                source.Append("\n\n");
            }

            text.Append(block.Text);
            source.Append(QuotableMarkdown(stripped.Substring(block.Start, block.Length), block));
        }

        Flush();
        return passages;
    }

    /// <summary>A block's Markdown as a chat shows it: a code block whole, anything else without HTML, images or unresolvable links.</summary>
    private static string QuotableMarkdown(string markdown, TextBlock block)
    {
        if (block.IsCode)
        {
            return markdown.TrimEnd();
        }

        if (block.IsHeading)
        {
            // A heading in a chat message would shout; bold keeps it a title.
            return $"**{block.Text}**";
        }

        var text = HtmlTag().Replace(markdown, "");
        text = MarkdownImage().Replace(text, "");
        // [text](https://...) works anywhere; [text][reference] and [text](relative) do not outside the site.
        text = MarkdownLink().Replace(text, m => m.Groups["url"].Value.StartsWith("http", StringComparison.Ordinal) ? m.Value : m.Groups["text"].Value);
        text = ReferenceLink().Replace(text, m => m.Groups["text"].Value);
        // A paragraph's source lines are wrapped at the author's width: one line to the reader.
        return WebUtility.HtmlDecode(block.IsParagraph ? Whitespace().Replace(text.Replace('\n', ' '), " ") : text).Trim();
    }

    /// <summary>A soft line break inside a paragraph is a space to the reader; keeping it as a
    /// newline would make the wrapped source lines look like separate lines of text.</summary>
    private sealed class SoftBreakAsSpace : HtmlObjectRenderer<LineBreakInline>
    {
        protected override void Write(HtmlRenderer renderer, LineBreakInline obj) =>
            renderer.Write(obj.IsHard ? '\n' : ' ');
    }

    private readonly record struct TextBlock(string Text, bool IsHeading, int Start = 0, int Length = 0, bool IsCode = false, bool IsParagraph = false);

    private static List<TextBlock> Blocks(string markdown)
    {
        var document = Markdown.Parse(StripTemplateTags(markdown), Pipeline);
        var blocks = new List<TextBlock>();
        foreach (var block in document)
        {
            var text = Render(block);
            if (text.Length > 0)
            {
                blocks.Add(new TextBlock(text, block is HeadingBlock, block.Span.Start, block.Span.Length, block is CodeBlock, block is ParagraphBlock));
            }
        }
        return blocks;
    }

    private static string Render(Block block)
    {
        // HTML blocks (raw <div>, <!-- comments -->) carry no reader-visible words worth indexing
        // once their tags are gone, and Markdig gives them back verbatim.
        if (block is HtmlBlock html)
        {
            return Normalize(WebUtility.HtmlDecode(HtmlTag().Replace(html.Lines.ToString(), " ")));
        }

        using var writer = new StringWriter();
        // With HTML output switched off the renderer writes only text: link and image targets,
        // tags and fence markers disappear, code text stays.
        var renderer = new HtmlRenderer(writer)
        {
            EnableHtmlForBlock = false,
            EnableHtmlForInline = false,
            EnableHtmlEscape = false,
        };
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.ReplaceOrAdd<LineBreakInlineRenderer>(new SoftBreakAsSpace());
        renderer.Render(block);
        writer.Flush();
        return Normalize(writer.ToString());
    }

    /// <summary>
    /// Removes Jekyll/Liquid tags (<c>{% note %}</c>, <c>{{ var }}</c>) and kramdown attribute lists
    /// (<c>{: .table}</c>, <c>{#anchor}</c>), which the Scalingo corpus keeps unexpanded. Text inside
    /// <c>{% raw %}…{% endraw %}</c> is literal by Liquid's own rule, so it is kept as written.
    /// </summary>
    internal static string StripTemplateTags(string markdown)
    {
        if (!markdown.Contains('{', StringComparison.Ordinal))
        {
            return markdown;
        }
        var builder = new StringBuilder(markdown.Length);
        var position = 0;
        foreach (Match raw in LiquidRaw().Matches(markdown))
        {
            builder.Append(StripOutsideRaw(markdown[position..raw.Index]));
            builder.Append(raw.Groups["body"].Value);
            position = raw.Index + raw.Length;
        }
        builder.Append(StripOutsideRaw(markdown[position..]));
        return builder.ToString();
    }

    private static string StripOutsideRaw(string text)
    {
        text = LiquidTag().Replace(text, string.Empty);
        text = LiquidOutput().Replace(text, string.Empty);
        return KramdownAttributes().Replace(text, string.Empty);
    }

    private static string Normalize(string text)
    {
        var lines = text.Split('\n');
        var builder = new StringBuilder(text.Length);
        foreach (var line in lines)
        {
            var trimmed = Whitespace().Replace(line, " ").Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }
            if (builder.Length > 0)
            {
                builder.Append('\n');
            }
            builder.Append(trimmed);
        }
        return builder.ToString();
    }

    [GeneratedRegex(@"\{%-?\s*raw\s*-?%\}(?<body>.*?)\{%-?\s*endraw\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex LiquidRaw();

    [GeneratedRegex(@"\{%.*?%\}", RegexOptions.Singleline)]
    private static partial Regex LiquidTag();

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex LiquidOutput();

    // Inline attribute lists "{: .table}" and header ids "## Boot Timeout {#timeout}".
    [GeneratedRegex(@"\{[:#][^}\n]*\}")]
    private static partial Regex KramdownAttributes();

    [GeneratedRegex(@"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>|<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"[ \t\r\f\v\u00A0]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex MarkdownImage();

    [GeneratedRegex(@"(?<!!)\[(?<text>[^\]]+)\]\((?<url>[^)\s]*)[^)]*\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\[[^\]]*\]")]
    private static partial Regex ReferenceLink();
}
