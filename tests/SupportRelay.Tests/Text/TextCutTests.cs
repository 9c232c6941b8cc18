using System.Globalization;
using SupportRelay.Text;

namespace SupportRelay.Tests.Text;

public sealed class TextCutTests
{
    [Fact]
    public void Short_text_is_returned_whole()
    {
        Assert.Equal("Hello there.", TextCut.AtBoundary("  Hello there.  ", 50));
    }

    [Fact]
    public void Cuts_after_a_sentence_when_one_fits()
    {
        var cut = TextCut.AtBoundary("Backups run nightly. They are kept for a week. Restores take minutes.", 50);

        Assert.Equal("Backups run nightly. They are kept for a week.", cut);
    }

    [Fact]
    public void Cuts_between_words_with_an_ellipsis_otherwise()
    {
        var cut = TextCut.AtBoundary("Backups of every database run nightly and are kept for a week", 30);

        Assert.Equal("Backups of every database run…", cut);
        Assert.True(cut.Length <= 30);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void Never_splits_an_emoji_or_a_surrogate_pair(int maxChars)
    {
        // Family emoji (a ZWJ sequence of surrogate pairs), a flag and an accent written as a combining mark.
        const string text = "👨‍👩‍👧🇫🇷e\u0301🎉🎉";

        var cut = TextCut.AtBoundary(text, maxChars);

        Assert.True(cut.Length <= maxChars);
        Assert.StartsWith(cut.TrimEnd('…'), text, StringComparison.Ordinal);
        AssertWholeTextElements(text, cut.TrimEnd('…'));
    }

    [Fact]
    public void Cuts_CJK_text_after_a_sentence_or_between_characters()
    {
        const string text = "数据库每天晚上备份。备份保留一周，恢复只需要几分钟时间。";

        Assert.Equal("数据库每天晚上备份。", TextCut.AtBoundary(text, 15));
        var cut = TextCut.AtBoundary("数据库每天晚上备份备份保留一周恢复只需要几分钟时间", 8);
        Assert.Equal("数据库每天晚上…", cut);
    }

    private static void AssertWholeTextElements(string text, string prefix)
    {
        var boundaries = StringInfo.ParseCombiningCharacters(text).Append(text.Length);
        Assert.Contains(prefix.Length, boundaries);
    }
}
