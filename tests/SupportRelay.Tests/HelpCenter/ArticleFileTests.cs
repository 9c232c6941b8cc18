using SupportRelay.HelpCenter;

namespace SupportRelay.Tests.HelpCenter;

public sealed class ArticleFileTests
{
    [Fact]
    public void Reads_articles_with_string_or_number_ids_and_optional_fields()
    {
        const string jsonl = """
            {"id": "a-1", "title": "First", "content": "# One", "slug": "first", "url": "https://x/first", "description": "d", "locale": "fr"}

            {"id": 42, "title": "Second", "content": "Two", "category": "ignored", "bytes": 3}
            """;

        var articles = ArticleFile.Read(new StringReader(jsonl), "test.jsonl");

        Assert.Equal(
            [new Article("a-1", "First", "# One", "d", "first", "https://x/first", "fr"), new Article("42", "Second", "Two")],
            articles);
    }

    [Theory]
    [InlineData("{\"id\": \"1\", \"title\": \"T\"", "line 2: not valid JSON")]
    [InlineData("[1, 2]", "line 2: expected a JSON object")]
    [InlineData("{\"title\": \"T\", \"content\": \"C\"}", "line 2: missing \"id\"")]
    [InlineData("{\"id\": \"1\", \"content\": \"C\"}", "line 2: missing \"title\"")]
    [InlineData("{\"id\": true, \"title\": \"T\", \"content\": \"C\"}", "line 2: \"id\" must be")]
    [InlineData("{\"id\": \"1\", \"title\": 5, \"content\": \"C\"}", "line 2: \"title\" must be a string")]
    public void Bad_lines_are_reported_with_their_number(string badLine, string expected)
    {
        var jsonl = "{\"id\": \"0\", \"title\": \"Fine\", \"content\": \"Fine\"}\n" + badLine + "\n";

        var error = Assert.Throws<InvalidDataException>(() => ArticleFile.Read(new StringReader(jsonl), "articles.jsonl"));

        Assert.Contains("articles.jsonl, " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_the_Scalingo_corpus()
    {
        var articles = ArticleFile.Load(SupportRelay.Tests.Infrastructure.CorpusPaths.ScalingoArticles);

        Assert.Equal(317, articles.Count);
        Assert.All(articles, a => Assert.False(string.IsNullOrEmpty(a.Title)));
    }
}
