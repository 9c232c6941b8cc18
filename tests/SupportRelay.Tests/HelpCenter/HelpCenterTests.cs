using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.HelpCenter;
using SupportRelay.Tests.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.HelpCenter;

/// <summary>
/// Reading Chatwoot's Help Center as Chatwoot serves it: on its public host only (reached through the internal
/// address), every article in one request, a wrong host or portal reported as the configuration error it is.
/// </summary>
public abstract class HelpCenterTests(DatabaseKind database)
{
    private const string PublicHost = "chat.acme.example";
    private const string Portal = "acme-help";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fixture's articles (<c>GET /hc/acme-help/fr/articles.json</c>), as the fake Help Center publishes them.</summary>
    private static List<object> FixtureArticles() =>
        ChatwootFixture.Load("4.15", "hc_articles_list").Json["payload"]!.AsArray().Select(a => (object)a!.DeepClone().AsObject()).ToList();

    /// <summary>Chatwoot on an internal address (<c>Chatwoot:BaseUrl</c>), its FRONTEND_URL on <see cref="PublicHost"/>.</summary>
    private async Task<ChatwootScenario> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Chatwoot:DefaultPortalSlug"] = Portal,
            ["Chatwoot:DefaultLocale"] = "fr",
            // Retrieval is not what these tests are about.
            ["Bot:MinConfidence"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var s = await ChatwootScenario.StartAsync(all, database: database);
        s.HelpCenter.Hosts.Clear();
        s.HelpCenter.Hosts[PublicHost] = true;
        s.ServeArticles(Portal, "fr", FixtureArticles());
        return s;
    }

    private static async Task<JsonElement> ReadyAsync(ChatwootScenario s)
    {
        var response = await s.Client.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Fact]
    public async Task Articles_are_fetched_from_the_internal_address_presenting_the_public_host_and_link_to_it()
    {
        await using var s = await StartAsync(new Dictionary<string, string?> { ["Chatwoot:PublicUrl"] = $"https://{PublicHost}" });

        await s.SendAsync(s.Message("Comment télécharger une facture ?", locale: "fr"));
        var posted = await s.WaitForPostsAsync(1);

        var request = Assert.Single(s.Chatwoot.Received("GET", "/hc/"));
        Assert.Equal(PublicHost, request.Header("x-forwarded-host"));
        Assert.Equal(s.Chatwoot.BaseUrl.Authority, request.Header("host"));
        Assert.Contains($"https://{PublicHost}/hc/{Portal}/articles/1779976931-telecharger-une-facture", posted[0].Json.GetProperty("content").GetString()!, StringComparison.Ordinal);
        Assert.Equal("answered", (await s.QueryAsync<string>("SELECT outcome FROM bot_decisions")).Single());
        Assert.Empty((await ReadyAsync(s)).GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task The_help_center_url_wins_over_the_public_url_which_stays_the_dashboards()
    {
        await using var s = await StartAsync(new Dictionary<string, string?>
        {
            ["Chatwoot:PublicUrl"] = "https://app.acme.example",
            ["Chatwoot:HelpCenterUrl"] = $"https://{PublicHost}",
        });

        var set = await s.App.Services.GetRequiredService<ArticleCatalog>().GetAsync(Portal, "fr", Ct);

        Assert.Equal(PublicHost, s.Chatwoot.Received("GET", "/hc/").Single().Header("x-forwarded-host"));
        Assert.All(set.Articles, a => Assert.StartsWith($"https://{PublicHost}/hc/{Portal}/articles/", a.Url, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_chatwoot_refuses_is_reported_as_a_configuration_error_until_it_is_fixed()
    {
        // Chatwoot:BaseUrl is the internal address and nothing says the public one: Chatwoot refuses that host.
        await using var s = await StartAsync();

        await s.SendAsync(s.Message("Comment télécharger une facture ?", locale: "fr", conversationId: 42));
        await s.Chatwoot.WaitForAsync("POST", "/conversations/42/toggle_status");
        await s.WaitIdleAsync();

        Assert.Equal(("handoff", "help_center_host_refused"),
            (await s.QueryAsync<(string, string)>("SELECT outcome, reason FROM bot_decisions")).Single());
        var problem = Assert.Single((await ReadyAsync(s)).GetProperty("problems").EnumerateArray());
        Assert.Equal("help_center_host_refused", problem.GetProperty("problem").GetString());
        Assert.Equal("help_center:" + Portal, problem.GetProperty("scope").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains($"'{s.Chatwoot.BaseUrl.Host}'", detail, StringComparison.Ordinal);
        Assert.Contains("Chatwoot:HelpCenterUrl", detail, StringComparison.Ordinal);
        Assert.Contains(s.App.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("help_center_host_refused", StringComparison.Ordinal)
            && l.Contains("Chatwoot:HelpCenterUrl", StringComparison.Ordinal));
        var metrics = await s.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("supportrelay_configuration_errors_total{", StringComparison.Ordinal)
            && l.Contains("problem=\"help_center_host_refused\"", StringComparison.Ordinal));

        // The operator adds this host to Chatwoot (HELPCENTER_URL): the next question is answered and the problem is gone.
        s.HelpCenter.Hosts[s.Chatwoot.BaseUrl.Host] = true;
        await s.SendAsync(s.Message("Comment télécharger une facture ?", locale: "fr", conversationId: 43));
        await s.WaitForPostsAsync(1, conversationId: 43);
        await s.WaitIdleAsync();

        Assert.Empty(s.Toggled(43));
        Assert.Empty((await ReadyAsync(s)).GetProperty("problems").EnumerateArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unknown_or_archived_portal_is_a_configuration_error_not_an_empty_help_center(bool archived)
    {
        await using var s = await StartAsync(new Dictionary<string, string?>
        {
            ["Chatwoot:PublicUrl"] = $"https://{PublicHost}",
            ["Chatwoot:DefaultPortalSlug"] = archived ? Portal : "acme-hlep",
        });
        if (archived)
        {
            s.HelpCenter.Archive(Portal);
        }

        await s.SendAsync(s.Message("Comment télécharger une facture ?", locale: "fr"));
        await s.Chatwoot.WaitForAsync("POST", "/toggle_status");
        await s.WaitIdleAsync();

        Assert.Equal("help_center_portal_unknown", (await s.QueryAsync<string>("SELECT reason FROM bot_decisions")).Single());
        // One locale refused is every locale refused: the fallbacks are not tried.
        Assert.Single(s.Chatwoot.Received("GET", "/hc/"));
        var problem = Assert.Single((await ReadyAsync(s)).GetProperty("problems").EnumerateArray());
        Assert.Equal("help_center_portal_unknown", problem.GetProperty("problem").GetString());
        Assert.Contains("Chatwoot:DefaultPortalSlug", problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_locale_is_an_empty_list_and_the_next_locale_answers()
    {
        await using var s = await StartAsync(new Dictionary<string, string?> { ["Chatwoot:PublicUrl"] = $"https://{PublicHost}" });

        // Too few words to tell a language: the conversation's locale (German, which the portal lacks) is tried first.
        await s.SendAsync(s.Message("facture télécharger", locale: "de"));
        await s.WaitForPostsAsync(1);

        Assert.Equal(["/hc/acme-help/de/articles.json", "/hc/acme-help/fr/articles.json"], s.Chatwoot.Received("GET", "/hc/").Select(r => r.Path));
        Assert.Equal(("answered", "fr"), (await s.QueryAsync<(string, string)>("SELECT outcome, locale FROM bot_decisions")).Single());
        Assert.Empty((await ReadyAsync(s)).GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Articles_take_their_locale_from_their_category_and_their_link_from_chatwoot()
    {
        await using var s = await StartAsync(new Dictionary<string, string?> { ["Chatwoot:PublicUrl"] = $"https://{PublicHost}/" });
        // Chatwoot's own bytes, served as they are on a route a test may replace (the fake Help Center rewrites nothing here).
        var list = ChatwootFixture.Load("4.15", "hc_articles_list");
        s.Chatwoot.On("GET", $"/hc/{Portal}/pt/articles.json", new FakeResponse(200, list.Text));
        // An uncategorized article: no category, hence no locale.
        var uncategorized = list.Json;
        uncategorized["payload"]![2]!.AsObject().Remove("category");
        s.Chatwoot.On("GET", $"/hc/{Portal}/es/articles.json", new FakeResponse(200, uncategorized.ToJsonString()));
        var catalog = s.App.Services.GetRequiredService<ArticleCatalog>();

        var fixture = await catalog.GetAsync(Portal, "pt", Ct);
        var withoutCategory = await catalog.GetAsync(Portal, "es", Ct);

        Assert.Equal(["31", "32", "33"], fixture.Articles.Select(a => a.Id));
        Assert.All(fixture.Articles, a => Assert.Equal("fr", a.Locale));
        Assert.Equal($"https://{PublicHost}/hc/acme-help/articles/1780389903-cles-d-api-webhooks", fixture.Articles[1].Url);
        Assert.Equal("Clés d’API & webhooks", fixture.Articles[1].Title);
        Assert.Equal(["fr", "fr", "es"], withoutCategory.Articles.Select(a => a.Locale));
    }
}

public sealed class HelpCenterTestsOnSqlite() : HelpCenterTests(DatabaseKind.Sqlite);

public sealed class HelpCenterTestsOnPostgres() : HelpCenterTests(DatabaseKind.Postgres);
