using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;

namespace SupportRelay.Tests.Retrieval;

public sealed class ArticleIndexTests
{
    private static readonly Article[] Articles =
    [
        new("boot", "Server boot problems", "If the server does not boot, check the kernel and the disk."),
        new("team", "Team management", "Invite colleagues and manage their roles in the management console."),
        new("billing", "Invoices and billing", "Invoices are sent on the first day of each month by email."),
        new("domains", "Custom domains", "Point a CNAME record to your app to use your own domain name."),
        new("postgres", "PostgreSQL backups", "Backups of the PostgreSQL database are taken every night and kept for a week."),
        new("mongo", "MongoDB backups", "Backups of the MongoDB database are taken every night and kept for a week."),
    ];

    [Fact]
    public void Stemming_matches_other_forms_of_a_word()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var hits = index.Search("my machine keeps booting forever", 3);

        Assert.Equal("boot", hits[0].Article.Id);
    }

    [Fact]
    public void A_word_does_not_match_inside_another_word()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        // The original's substring search found "agent" inside "management".
        Assert.Empty(index.Search("agent", 3));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!... ;;; ---")]
    [InlineData("*")]
    [InlineData("the and of")]
    public void Questions_without_searchable_words_have_no_hits(string question)
    {
        using var index = ArticleIndex.Build(Articles, "en");

        Assert.Empty(index.Search(question, 5));
    }

    [Theory]
    [InlineData("\"foo AND (")]
    [InlineData("invoices OR title:billing^10 AND NOT [a TO z]")]
    [InlineData("domain~2 \\ / { } ~ ^ : !")]
    [InlineData("invoice*")]
    public void Query_syntax_in_a_question_is_just_text(string question)
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var hits = index.Search(question, 5);

        Assert.All(hits, hit => Assert.InRange(hit.Confidence, 0, 1));
    }

    [Fact]
    public void Very_long_questions_are_searched_without_error()
    {
        using var index = ArticleIndex.Build(Articles, "en");
        var question = string.Join(' ', Enumerable.Range(0, 3_000).Select(i => $"word{i}")) + " invoices";

        var hits = index.Search(question, 3, context: question);

        Assert.Equal("billing", hits[0].Article.Id);
    }

    [Fact]
    public void Results_are_ordered_and_limited_and_count_is_reported()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var hits = index.Search("backups of the database", 1);

        Assert.Equal(Articles.Length, index.Count);
        Assert.Single(hits);
        Assert.Empty(index.Search("backups", 0));
        Assert.Empty(ArticleIndex.Build([], "en").Search("backups", 3));
    }

    [Fact]
    public void Confidence_is_the_share_of_the_question_the_article_covers()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var covered = index.Search("invoices by email", 1)[0];
        var partly = index.Search("invoices for my pizzeria", 1)[0];

        Assert.Equal("billing", covered.Article.Id);
        Assert.Equal(1.0, covered.Confidence, 6);
        Assert.Equal("billing", partly.Article.Id);
        Assert.InRange(partly.Confidence, 0.01, 0.5);
    }

    [Fact]
    public void Question_words_do_not_lower_confidence()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var hit = index.Search("where are my invoices, can you email them?", 1)[0];

        Assert.Equal("billing", hit.Article.Id);
        Assert.Equal(1.0, hit.Confidence, 6);
    }

    [Fact]
    public void Context_carries_a_follow_up_to_the_conversation_subject()
    {
        using var index = ArticleIndex.Build(Articles, "en");
        const string question = "how long are backups kept?";

        var alone = index.Search(question, 2);
        var followUp = index.Search(question, 2, context: "I run a MongoDB database for my shop");

        // Alone, the two backup articles tie; the earlier messages decide.
        Assert.Equal(alone[0].Score, alone[1].Score, 3);
        Assert.Equal("mongo", followUp[0].Article.Id);
        Assert.True(followUp[0].Score > followUp[1].Score);
    }

    [Fact]
    public void Context_does_not_outvote_the_question()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var hits = index.Search("how do I use my own domain?", 1, context: "invoices billing invoices email month");

        Assert.Equal("domains", hits[0].Article.Id);
    }

    [Fact]
    public void A_follow_up_is_confident_through_its_context_and_an_unrelated_one_is_not()
    {
        using var index = ArticleIndex.Build(Articles, "en");
        const string Context = "How do I restore a PostgreSQL backup?";

        var followUp = index.Search("and how long are they kept?", 3, Context);
        var unrelated = index.Search("and what about the weather in Lisbon tomorrow?", 3, Context);

        Assert.True(followUp[0].Confidence > index.Search("and how long are they kept?", 3)[0].Confidence);
        Assert.True(followUp[0].Confidence >= RetrievalDefaults.MinConfidence);
        Assert.True(unrelated.Count == 0 || unrelated[0].Confidence < RetrievalDefaults.MinConfidence);
    }

    [Fact]
    public void Context_never_lowers_the_confidence_of_the_question_asked_now()
    {
        using var index = ArticleIndex.Build(Articles, "en");

        var alone = index.Search("custom domain CNAME", 1)[0].Confidence;
        var withContext = index.Search("custom domain CNAME", 1, "zorblax quuxification frobnicator")[0].Confidence;

        Assert.Equal(alone, withContext, 6);
    }

    [Fact]
    public void Unknown_numbers_say_nothing_but_known_ones_count()
    {
        var articles = Articles.Append(new Article("502", "Bad gateway", "A 502 error means the app did not answer the router in time.")).ToArray();
        using var index = ArticleIndex.Build(articles, "en");

        var plain = index.Search("custom domain CNAME", 1)[0].Confidence;
        var withOrderNumber = index.Search("custom domain CNAME for app 918273", 1)[0].Confidence;
        var errorCode = index.Search("why do I get a 502", 1)[0];

        Assert.Equal(plain, withOrderNumber, 6);
        Assert.Equal("502", errorCode.Article.Id);
        Assert.True(errorCode.Confidence >= RetrievalDefaults.MinConfidence);
    }

    [Fact]
    public void French_questions_find_French_articles()
    {
        Article[] articles =
        [
            new("fr-1", "Sauvegardes de la base de données", "Les sauvegardes sont effectuées chaque nuit et conservées une semaine.", Locale: "fr"),
            new("fr-2", "Nom de domaine personnalisé", "Ajoutez un enregistrement CNAME pour utiliser votre propre domaine.", Locale: "fr"),
            new("fr-3", "Factures", "Les factures sont envoyées par courriel le premier jour du mois.", Locale: "fr"),
        ];
        using var index = ArticleIndex.Build(articles, "fr");

        // "sauvegarde" (singular) and "effectuées" stem to the article's forms.
        var hits = index.Search("Quand la sauvegarde est-elle effectuée ?", 3);

        Assert.Equal("fr-1", hits[0].Article.Id);
    }

    [Theory]
    [InlineData("pt_BR")]
    [InlineData("de-DE")]
    [InlineData("zh")]
    [InlineData("xx")]
    [InlineData("")]
    public void Any_locale_gets_a_working_analyzer(string locale)
    {
        Article[] articles = [new("1", "数据库备份 Backup", "备份每天晚上进行。 Backups nightly.")];
        using var index = ArticleIndex.Build(articles, locale);

        Assert.NotEmpty(index.Search(locale == "zh" ? "备份" : "backup", 1));
    }

    [Fact]
    public async Task Concurrent_searches_agree()
    {
        using var index = ArticleIndex.Build(Articles, "en");
        var expected = index.Search("backups of the PostgreSQL database", 3).Select(h => h.Article.Id).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 50).Select(_ => index.Search("backups of the PostgreSQL database", 3).Select(h => h.Article.Id).ToArray()).ToList(),
            TestContext.Current.CancellationToken)));

        Assert.All(results.SelectMany(r => r), ids => Assert.Equal(expected, ids));
    }
}
