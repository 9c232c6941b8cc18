using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;

namespace SupportRelay.Tests.Retrieval;

public sealed class PassageExtractorTests
{
    private static readonly Article Backups = new("b", "Database backups", """
        # Database backups

        Every database plan includes backups. This page explains how they work and what they cost,
        with details on scheduling, retention and restoration for each of the supported engines.

        ## Retention

        Backups are kept for seven days on the starter plan and thirty days on business plans. Older
        backups are deleted automatically and cannot be recovered by the support team afterwards.

        ## Restoring a backup

        To restore a backup, open the dashboard, pick the backup and click Restore. The database is
        unavailable while the restoration runs, which takes a few minutes for small databases.
        """);

    private static readonly Article Steps = new("s", "Deploy from the CLI", """
        ## Deploying with the CLI

        Follow these steps to deploy an app from your terminal, see [the CLI reference][cli] for the options:

        1. Install the [command line tool](https://cli.example.com/install)
        2. Log in with `scalingo login`
        3. Push your code:
           ```bash
           git push scalingo main
           ```

        {% note %}
        Pushes to other branches are ignored.
        {% endnote %}

        <div class="tip">See also the dashboard.</div>

        [cli]: {% post_url tools/cli/2000-01-01-start %}
        """);

    [Fact]
    public void The_answer_keeps_the_list_numbers_the_code_block_and_links_that_work_outside_the_site()
    {
        var passage = PassageExtractor.Best(Steps, "how do I deploy from the terminal", "en", 900);

        Assert.StartsWith("**Deploying with the CLI**", passage, StringComparison.Ordinal);
        Assert.Contains("1. Install the [command line tool](https://cli.example.com/install)", passage, StringComparison.Ordinal);
        Assert.Contains("2. Log in with `scalingo login`", passage, StringComparison.Ordinal);
        Assert.Contains("```bash\n", passage.Replace("   ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("git push scalingo main", passage, StringComparison.Ordinal);
        // A reference the site resolves and template tags mean nothing in a chat.
        Assert.Contains("see the CLI reference for the options", passage, StringComparison.Ordinal);
        Assert.DoesNotContain("{%", passage, StringComparison.Ordinal);
        Assert.DoesNotContain("<div", passage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_code_block_is_cut_between_lines_and_its_fence_closed()
    {
        var code = "```sh\n" + string.Join("\n", Enumerable.Range(1, 200).Select(i => $"echo line {i}")) + "\n```";

        var cut = PassageExtractor.CutMarkdown(code, 300);

        Assert.True(cut.Length <= 300, $"{cut.Length}");
        Assert.StartsWith("```sh\necho line 1\n", cut, StringComparison.Ordinal);
        Assert.EndsWith("\n```", cut, StringComparison.Ordinal);
        Assert.All(cut.Split('\n')[1..^1], line => Assert.Matches("^echo line [0-9]+$", line));
    }

    [Fact]
    public void Picks_the_passage_about_the_question()
    {
        var passage = PassageExtractor.Best(Backups, "how do I restore a backup?", "en", 500);

        Assert.StartsWith("**Restoring a backup**", passage, StringComparison.Ordinal);
    }

    [Fact]
    public void Rare_terms_outweigh_terms_every_passage_has()
    {
        var passage = PassageExtractor.Best(Backups, "how long are backups kept", "en", 500);

        Assert.StartsWith("**Retention**", passage, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_shared_terms_the_opening_passage_is_returned()
    {
        var passage = PassageExtractor.Best(Backups, "pizza", "en", 500);

        Assert.StartsWith("**Database backups**", passage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_passage_is_cut_within_the_limit_at_a_boundary()
    {
        var passage = PassageExtractor.Best(Backups, "restore", "en", 120);

        Assert.True(passage.Length <= 120);
        Assert.True(passage.EndsWith('.') || passage.EndsWith('…'), passage);
    }

    [Fact]
    public void Emoji_and_CJK_articles_are_cut_safely()
    {
        var article = new Article("zh", "备份", "# 备份 🎉\n\n" + string.Concat(Enumerable.Repeat("数据库每天晚上备份🎉👨‍👩‍👧", 40)), Locale: "zh");

        var passage = PassageExtractor.Best(article, "备份", "zh", 33);

        Assert.True(passage.Length <= 33);
        Assert.DoesNotContain(passage, c => char.IsSurrogate(c) && !IsPaired(passage, c));
        Assert.False(char.IsHighSurrogate(passage.TrimEnd('…')[^1]));
        Assert.False(passage.TrimEnd('…').EndsWith('\u200D'));
    }

    [Fact]
    public void Empty_articles_give_an_empty_passage()
    {
        Assert.Equal(string.Empty, PassageExtractor.Best(new Article("e", "Empty", ""), "anything", "en", 100));
    }

    private static bool IsPaired(string text, char c)
    {
        var i = text.IndexOf(c, StringComparison.Ordinal);
        return char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) : i > 0 && char.IsHighSurrogate(text[i - 1]);
    }
}
