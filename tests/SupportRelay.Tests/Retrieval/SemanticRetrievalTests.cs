using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Retrieval;

/// <summary>
/// Hybrid retrieval through the whole service, against a fake OpenAI-compatible embedding server on
/// loopback (<see cref="FakeEmbeddings"/>): batching, the database cache across restarts, re-embedding
/// what changed, the endpoint down, a model change, and questions in other words or languages.
/// </summary>
public abstract class SemanticRetrievalTests(DatabaseKind database)
{
    private readonly DatabaseKind _database = database;

    // Words the articles do not contain: BM25 finds nothing, the fake model knows "reboot" is "restart".
    private const string Paraphrase = "My box is frozen, can I reboot it?";

    private static Dictionary<string, string?> Embeddings(FakeHttpServer embeddings, string model = "fake-embed", int batch = 64) => new()
    {
        ["Llm:EmbeddingModel"] = model,
        ["Llm:EmbeddingBaseUrl"] = new Uri(embeddings.BaseUrl, "v1").ToString(),
        ["Llm:EmbeddingApiKey"] = "emb-key",
        ["Llm:EmbeddingBatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Llm:EmbeddingTimeout"] = "00:00:02",
        // The fake's similarities are lower than a real model's: calibrate as an operator would.
        ["Retrieval:SemanticFloor"] = "0.05",
        ["Retrieval:SemanticCeiling"] = "0.3",
    };

    private static IReadOnlyList<RecordedRequest> EmbeddingCalls(FakeHttpServer embeddings) => embeddings.Received("POST", "/v1/embeddings");

    private static IReadOnlyList<string> ArticleInputs(FakeHttpServer embeddings) =>
        [.. EmbeddingCalls(embeddings).SelectMany(FakeEmbeddings.Inputs).Where(text => text.Contains('\n', StringComparison.Ordinal))];

    [Fact]
    public async Task Without_embeddings_a_question_in_other_words_is_handed_off()
    {
        await using var s = await ChatwootScenario.StartAsync(database: _database);

        await s.SendAsync(s.Message(Paraphrase));
        await s.WaitIdleAsync();

        Assert.Equal("low_confidence", (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());
    }

    [Fact]
    public async Task With_embeddings_a_question_in_other_words_is_answered_from_the_article_it_means()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64);
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings), database: _database);

        await s.SendAsync(s.Message(Paraphrase));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains("Restart a virtual machine", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal("1", (await s.QueryAsync<string>("SELECT article_ids FROM bot_decisions")).Single().Trim('[', ']', '"').Split(',')[0].Trim('"'));
        Assert.Empty(embeddings.Unexpected);
    }

    [Fact]
    public async Task A_question_does_not_wait_for_a_slow_first_indexing_and_the_next_one_is_answered_by_meaning()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64, articleDelay: TimeSpan.FromSeconds(3));
        var settings = Embeddings(embeddings);
        settings["Llm:EmbeddingTimeout"] = "00:00:10";
        settings["Retrieval:IndexingWait"] = "00:00:01";
        await using var s = await ChatwootScenario.StartAsync(settings, database: _database);

        // The articles take three seconds to embed: the customer is answered after one, by BM25 alone.
        await s.SendAsync(s.Message(Paraphrase));
        await s.WaitForPostsAsync(1);
        Assert.Equal("low_confidence", (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());

        // The embedding went on without the question, and the next question uses it.
        await s.WaitUntilAsync("SELECT COUNT(*) FROM article_embeddings WHERE portal_slug = 'help' AND locale = 'en'", 4);
        await s.SendAsync(s.Message(Paraphrase, conversationId: 43));
        var posted = await s.WaitForPostsAsync(1, conversationId: 43);

        Assert.Contains("Restart a virtual machine", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal(4, ArticleInputs(embeddings).Count);
        var metrics = await s.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Matches("supportrelay_retrieval_fallbacks_total\\{[^}]*reason=\"indexing\"", metrics);
    }

    [Fact]
    public async Task Questions_asked_while_the_articles_are_embedded_share_one_embedding_of_them()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64, articleDelay: TimeSpan.FromMilliseconds(500));
        var settings = Embeddings(embeddings);
        settings["Retrieval:IndexingWait"] = "00:00:05";
        await using var s = await ChatwootScenario.StartAsync(settings, database: _database);

        await Task.WhenAll(s.SendAsync(s.Message(Paraphrase)), s.SendAsync(s.Message(Paraphrase, conversationId: 43)));
        var first = await s.WaitForPostsAsync(1);
        var second = await s.WaitForPostsAsync(1, conversationId: 43);

        Assert.Contains("Restart a virtual machine", first[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Contains("Restart a virtual machine", second[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal(4, ArticleInputs(embeddings).Count);
    }

    [Fact]
    public async Task Articles_are_embedded_in_batches_with_the_embedding_key_and_model()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64);
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings, batch: 3), database: _database);

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.WaitForPostsAsync(1);

        var calls = EmbeddingCalls(embeddings);
        Assert.All(calls, call =>
        {
            Assert.Equal("Bearer emb-key", call.Header("authorization"));
            Assert.Equal("fake-embed", call.Json.GetProperty("model").GetString());
            Assert.InRange(FakeEmbeddings.Inputs(call).Count, 1, 3);
        });
        // One call for the question, then the four articles in batches of three and one.
        Assert.Equal([1, 3, 1], calls.Select(c => FakeEmbeddings.Inputs(c).Count));
        Assert.Equal(4, ArticleInputs(embeddings).Count);
        Assert.Equal(4L, (await s.QueryAsync<long>("SELECT COUNT(*) FROM article_embeddings WHERE portal_slug = 'help' AND locale = 'en' AND dimensions = 64")).Single());
    }

    [Fact]
    public async Task After_a_restart_stored_embeddings_are_used_and_only_a_changed_article_is_embedded_again()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64);
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings), database: _database);
        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.WaitForPostsAsync(1);
        Assert.Equal(4, ArticleInputs(embeddings).Count);

        await s.RestartAsync();
        await s.SendAsync(s.Message("Where are my invoices?", conversationId: 43));
        await s.WaitForPostsAsync(1, conversationId: 43);
        Assert.Equal(4, ArticleInputs(embeddings).Count);

        var changed = ChatwootScenario.DefaultArticles.ToList();
        changed[2] = new { id = 3, title = "Billing and invoices", slug = "billing", locale = "en", description = "Where to find invoices",
            content = "Invoices are now in the Account > Billing menu, as PDF, every month." };
        s.ServeArticles(ChatwootScenario.Portal, "en", changed);
        await s.RestartAsync();
        await s.SendAsync(s.Message("Where are my invoices?", conversationId: 44));
        await s.WaitForPostsAsync(1, conversationId: 44);

        var reembedded = ArticleInputs(embeddings).Skip(4).ToList();
        Assert.Contains("Account > Billing menu", Assert.Single(reembedded), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_embedding_endpoint_fails_the_answer_comes_from_bm25_and_the_fallback_is_counted()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        embeddings.On("POST", "/v1/embeddings", new FakeResponse(500, """{"error":{"message":"model not loaded","type":"server_error"}}"""));
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings), database: _database);

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        var posted = await s.WaitForPostsAsync(1);
        await s.SendAsync(s.Message("How do I configure a custom domain?", conversationId: 43));
        await s.WaitForPostsAsync(1, conversationId: 43);

        Assert.Contains("Restart a virtual machine", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal(["answered", "answered"], await s.QueryAsync<string>("SELECT outcome FROM bot_decisions ORDER BY id"));
        // The second question did not knock on a failing door: the retriever waits Retrieval:RetryAfter.
        Assert.Single(EmbeddingCalls(embeddings));
        var metrics = await s.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Matches("supportrelay_retrieval_fallbacks_total\\{[^}]*reason=\"error\"", metrics);
        Assert.Matches("supportrelay_retrieval_fallbacks_total\\{[^}]*reason=\"backoff\"", metrics);
    }

    [Fact]
    public async Task An_unreachable_endpoint_falls_back_to_bm25()
    {
        var closed = await FakeHttpServer.StartAsync();
        var settings = Embeddings(closed);
        await closed.DisposeAsync();
        await using var s = await ChatwootScenario.StartAsync(settings, database: _database);

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains("Restart a virtual machine", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_change_re_embeds_the_articles_even_under_the_same_name_and_never_fails_the_answer()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        var dimensions = 64;
        FakeEmbeddings.Serve(embeddings, () => dimensions);
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings), database: _database);
        await s.SendAsync(s.Message(Paraphrase));
        await s.WaitForPostsAsync(1);

        // The operator pulls another model under the same name: the stored vectors have 64 dimensions, questions now 48.
        dimensions = 48;
        await s.RestartAsync();
        await s.SendAsync(s.Message(Paraphrase, conversationId: 43));
        var second = await s.WaitForPostsAsync(1, conversationId: 43);
        Assert.Equal(8, ArticleInputs(embeddings).Count);
        Assert.Equal(4L, (await s.QueryAsync<long>("SELECT COUNT(*) FROM article_embeddings WHERE dimensions = 48")).Single());

        // Another model by name: its hash differs, so every article is embedded again.
        await s.RestartAsync(new Dictionary<string, string?> { ["Llm:EmbeddingModel"] = "fake-embed-2" });
        await s.SendAsync(s.Message(Paraphrase, conversationId: 44));
        var third = await s.WaitForPostsAsync(1, conversationId: 44);

        Assert.Equal(12, ArticleInputs(embeddings).Count);
        Assert.Equal(4L, (await s.QueryAsync<long>("SELECT COUNT(*) FROM article_embeddings WHERE model = 'fake-embed-2'")).Single());
        Assert.Contains("Restart a virtual machine", second[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Contains("Restart a virtual machine", third[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_answers_questions_and_articles_in_different_dimensions_falls_back_to_bm25()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        var calls = 0;
        // The first call (the question) gets 64 dimensions, the articles 32: no cosine is possible.
        FakeEmbeddings.Serve(embeddings, () => Interlocked.Increment(ref calls) == 1 ? 64 : 32);
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings), database: _database);

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        var posted = await s.WaitForPostsAsync(1);

        Assert.Contains("Restart a virtual machine", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        var metrics = await s.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Matches("supportrelay_retrieval_fallbacks_total\\{[^}]*reason=\"dimension_mismatch\"", metrics);
    }

    [Fact]
    public async Task A_french_question_on_an_english_portal_is_found_by_meaning()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64);
        await using var s = await ChatwootScenario.StartAsync(Embeddings(embeddings), database: _database);
        s.ServeArticles(ChatwootScenario.Portal, "fr", []);

        await s.SendAsync(s.Message("Comment redémarrer mon serveur bloqué ?"));
        var posted = await s.WaitForPostsAsync(1);

        // The portal has no French articles (Chatwoot answers an empty list), so English ones are searched.
        Assert.Single(s.Chatwoot.Received("GET", "/hc/help/fr/articles.json"));
        Assert.Contains("Restart a virtual machine", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
    }
}

public sealed class SemanticRetrievalTestsOnSqlite() : SemanticRetrievalTests(DatabaseKind.Sqlite);

public sealed class SemanticRetrievalTestsOnPostgres() : SemanticRetrievalTests(DatabaseKind.Postgres);

/// <summary>The default embeddings: the model inside the service, no endpoint.</summary>
public sealed class EmbeddedModelTests
{
    [Fact]
    public async Task By_default_the_bot_ranks_by_meaning_with_the_embedded_model_and_stores_its_vectors()
    {
        await using var s = await ChatwootScenario.StartAsync(new Dictionary<string, string?>
        {
            // The default, spelled out: the test fixture otherwise keeps BM25 alone.
            ["Retrieval:Embeddings"] = "embedded",
            ["Retrieval:IndexingWait"] = "00:01:00",
        });

        // No word of the question is in any article: BM25 finds nothing, meaning finds "Restart a virtual machine".
        await s.SendAsync(s.Message("my box froze, how do I bounce it"));
        await s.WaitForPostsAsync(1);
        await s.WaitIdleAsync();

        Assert.StartsWith("[\"1\"", (await s.QueryAsync<string>("SELECT article_ids FROM bot_decisions")).Single(), StringComparison.Ordinal);
        var models = await s.QueryAsync<(string Model, long Dimensions)>("SELECT DISTINCT model, dimensions FROM article_embeddings");
        Assert.Equal([("embedded:all-MiniLM-L6-v2", 384L)], models);
    }
}
