using SupportRelay.Chatwoot;
using SupportRelay.HelpCenter;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.HelpCenter;

/// <summary>Which locale's articles answer a question: its language first, when the portal publishes in it.</summary>
public sealed class ArticleLocaleTests
{
    [Theory]
    [InlineData("fr", null, "fr,en", "fr")]
    [InlineData("pt", "pt_BR", "en,pt_BR,pt_PT", "pt_BR")]
    [InlineData("pt", "en", "en,pt_PT", "pt_PT")]
    [InlineData("de", "en", "en,fr", null)]
    [InlineData("de", "en", "", "de")]
    public void The_questions_language_maps_to_a_locale_the_portal_has(string language, string? customerLocale, string allowed, string? expected)
    {
        var portal = new PortalInfo("help", "en", allowed.Split(',', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(expected, ArticleCatalog.LocaleFor(language, customerLocale, portal));
    }

    [Fact]
    public async Task A_question_in_french_is_answered_from_the_french_articles_and_the_model_is_told_to_write_french()
    {
        await using var s = await ChatwootScenario.StartAsync(withLlm: true);
        s.ServeArticles(ChatwootScenario.Portal, "fr",
        [
            new { id = 11, title = "Redémarrer une machine virtuelle", slug = "redemarrer", locale = "fr",
                  content = "Si votre machine virtuelle ne répond plus, ouvrez la console et cliquez sur Redémarrer." },
        ]);
        s.LlmAnswers("""{"answered": true, "answer": "Ouvrez la console et cliquez sur Redémarrer.", "sources": ["11"]}""");

        // The conversation says English (the browser's language); the question is French.
        await s.SendAsync(s.Message("Comment redémarrer ma machine virtuelle qui ne répond plus ?", locale: "en"));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains("Redémarrer une machine virtuelle", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        var prompt = s.Llm!.Received("POST", "/v1/chat/completions").Single().Body;
        Assert.Contains("Write the answer in French", prompt, StringComparison.Ordinal);
        Assert.Equal("fr", (await s.QueryAsync<string>("SELECT locale FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task An_english_question_in_a_german_conversation_is_searched_in_english_first()
    {
        await using var s = await ChatwootScenario.StartAsync();

        await s.SendAsync(s.Message("How do I restart my virtual machine?", locale: "de-DE"));
        await s.WaitForPostsAsync(1);

        Assert.Empty(s.Chatwoot.Received("GET", "/hc/help/de/articles.json"));
        Assert.Equal("en", (await s.QueryAsync<string>("SELECT locale FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task A_question_in_a_language_the_portal_lacks_is_answered_from_the_conversations_locale_in_the_customers_language()
    {
        // BM25 cannot weigh German words against English articles: let the model judge (an embedding model would match them).
        await using var s = await ChatwootScenario.StartAsync(new Dictionary<string, string?> { ["Bot:MinConfidence"] = "0" }, withLlm: true);
        s.ServeArticles(ChatwootScenario.Portal, "de", []);
        s.LlmAnswers("""{"answered": true, "answer": "Öffnen Sie die Konsole und klicken Sie auf Restart.", "sources": ["1"]}""");

        await s.SendAsync(s.Message("Wie kann ich meine virtual machine restart machen, die nicht mehr antwortet?"));
        await s.WaitForPostsAsync(1);

        Assert.Single(s.Chatwoot.Received("GET", "/hc/help/de/articles.json"));
        Assert.Contains("Write the answer in German", s.Llm!.Received("POST", "/v1/chat/completions").Single().Body, StringComparison.Ordinal);
        Assert.Equal("en", (await s.QueryAsync<string>("SELECT locale FROM bot_decisions")).Single());
    }
}
