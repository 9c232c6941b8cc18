using System.Globalization;
using SupportRelay.Bot;

namespace SupportRelay.Tests.Bot;

public sealed class TextCutTests
{
    [Fact]
    public void Short_text_is_unchanged() => Assert.Equal("hello", TextCut.Truncate("hello", 10));

    [Theory]
    [InlineData("👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", 3)]
    [InlineData("日本語のテキストはここで切られます", 8)]
    [InlineData("e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", 4)]
    [InlineData("Привет мир, как дела у тебя сегодня", 12)]
    public void Cuts_never_split_a_character(string text, int max)
    {
        var cut = TextCut.Truncate(text, max);

        Assert.True(new StringInfo(cut).LengthInTextElements <= max);
        Assert.EndsWith(TextCut.Ellipsis, cut, StringComparison.Ordinal);
        var kept = cut[..^TextCut.Ellipsis.Length];
        Assert.StartsWith(kept, text, StringComparison.Ordinal);
        // The kept part ends on a text-element boundary of the original.
        Assert.Contains(kept.Length, StringInfo.ParseCombiningCharacters(text).Append(text.Length));
    }

    [Fact]
    public void Prefers_a_word_boundary() =>
        Assert.Equal("The quick brown fox jumps…", TextCut.Truncate("The quick brown fox jumps over the lazy dog", 28));
}
