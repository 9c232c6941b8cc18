using SupportRelay.Retrieval;

namespace SupportRelay.Tests.Retrieval;

public sealed class MarkdownTextTests
{
    [Fact]
    public void Keeps_headings_list_items_and_code_text_but_drops_markup()
    {
        const string markdown = """
            # Deploy your app

            Read [the guide](https://example.com/guide) first. ![diagram](img/flow.png "Flow")

            - Install the **CLI**
            - Run `scalingo login`

            ```bash
            $ git push scalingo master
            ```

            <div class="warning">Mind the <b>region</b></div>
            """;

        var text = MarkdownText.ToPlainText(markdown);

        Assert.Contains("Deploy your app", text, StringComparison.Ordinal);
        Assert.Contains("Read the guide first.", text, StringComparison.Ordinal);
        Assert.Contains("Install the CLI", text, StringComparison.Ordinal);
        Assert.Contains("Run scalingo login", text, StringComparison.Ordinal);
        Assert.Contains("$ git push scalingo master", text, StringComparison.Ordinal);
        Assert.Contains("Mind the region", text, StringComparison.Ordinal);
        Assert.DoesNotContain("https://example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("img/flow.png", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<", text, StringComparison.Ordinal);
        Assert.DoesNotContain("#", text, StringComparison.Ordinal);
        Assert.DoesNotContain("**", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Strips_liquid_tags_and_kramdown_attributes()
    {
        const string markdown = """
            {% include info_command_line_tool.md %}

            {% note %}
            This addon is only available in `osc-fr1`.
            {% endnote %}

            See [tasks]({% post_url platform/app/2000-01-01-tasks %}) for {{ site.product_name }}.

            | a | b |
            |---|---|
            | 1 | 2 |
            {: .table }

            ## Boot Timeout {#timeout}
            """;

        var text = MarkdownText.ToPlainText(markdown);

        Assert.Contains("This addon is only available in osc-fr1.", text, StringComparison.Ordinal);
        Assert.Contains("See tasks for .", text, StringComparison.Ordinal);
        Assert.EndsWith("Boot Timeout", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("%", text, StringComparison.Ordinal);
        Assert.DoesNotContain("note", text, StringComparison.Ordinal);
        Assert.DoesNotContain("|", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_raw_liquid_blocks_literally()
    {
        var text = MarkdownText.ToPlainText("Use {% raw %}`{{ .Name }}`{% endraw %} in the template.");

        Assert.Equal("Use {{ .Name }} in the template.", text);
    }

    [Fact]
    public void Passages_keep_a_heading_with_its_text_and_follow_document_order()
    {
        var longParagraph = string.Join(' ', Enumerable.Repeat("Containers restart when they crash.", 8));
        var markdown = $"""
            # Scaling

            {longParagraph}

            ## Logs

            Logs are kept for seven days. {longParagraph}
            """;

        var passages = MarkdownText.Passages(markdown);

        Assert.Equal(2, passages.Count);
        Assert.StartsWith("Scaling\nContainers restart", passages[0], StringComparison.Ordinal);
        Assert.StartsWith("Logs\nLogs are kept for seven days.", passages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_or_markup_only_markdown_has_no_text()
    {
        Assert.Equal(string.Empty, MarkdownText.ToPlainText(""));
        Assert.Empty(MarkdownText.Passages("{% note %}\n{% endnote %}\n\n<br/>"));
    }
}
