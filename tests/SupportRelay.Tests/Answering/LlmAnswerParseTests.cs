using SupportRelay.Answering;
using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;

namespace SupportRelay.Tests.Answering;

public sealed class LlmAnswerParseTests
{
    private static readonly IReadOnlyList<SearchHit> Hits =
    [
        new(new Article("a", "A", "x"), 3, 0.9),
        new(new Article("b", "B", "y"), 2, 0.5),
    ];

    [Fact]
    public void A_plain_object_is_read() =>
        Assert.Equal(new[] { "b" }, LlmAnswerGenerator.Parse("""{"answered":true,"answer":"yes","sources":["b"]}""", Hits).SourceIds);

    [Fact]
    public void Prose_and_fences_around_the_object_are_ignored()
    {
        var result = LlmAnswerGenerator.Parse("Sure! ```json\n{\"answered\": \"true\", \"answer\": \"Do X.\", \"sources\": [\"a\",],}\n``` Hope it helps", Hits);

        Assert.True(result.Answered);
        Assert.Equal("Do X.", result.Text);
    }

    [Fact]
    public void Made_up_sources_are_dropped_and_the_best_article_cited_instead()
    {
        var result = LlmAnswerGenerator.Parse("""{"answered":true,"answer":"yes","sources":["zzz", 12, null]}""", Hits);

        Assert.Equal(new[] { "a" }, result.SourceIds);
    }

    [Theory]
    [InlineData("""{"answered":false,"answer":"","sources":[]}""")]
    [InlineData("""{"answered":true,"answer":"   ","sources":["a"]}""")]
    [InlineData("""{"answer":"no flag","sources":["a"]}""")]
    public void Not_answered_when_the_model_says_so_or_gives_no_answer(string text) =>
        Assert.False(LlmAnswerGenerator.Parse(text, Hits).Answered);

    [Theory]
    [InlineData("")]
    [InlineData("no json here")]
    [InlineData("{ broken")]
    [InlineData("} backwards {")]
    public void Unreadable_replies_throw(string text) =>
        Assert.Throws<LlmResponseException>(() => LlmAnswerGenerator.Parse(text, Hits));
}
