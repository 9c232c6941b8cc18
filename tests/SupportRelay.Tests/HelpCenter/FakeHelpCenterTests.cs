using System.Text.Json;
using SupportRelay.Tests.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.HelpCenter;

/// <summary>The fake Help Center answers as Chatwoot does (the fixtures are Chatwoot's bytes), so the tests above test something real.</summary>
public sealed class FakeHelpCenterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(FakeHttpServer server, string path, string? forwardedHost = null)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedHost is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", forwardedHost);
        }

        var response = await http.SendAsync(request, Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Refusals_and_empty_lists_are_chatwoots_own_bytes()
    {
        await using var server = await FakeHttpServer.StartAsync();
        var helpCenter = new FakeHelpCenter(server, "chat.acme.example");
        helpCenter.Serve("acme-help", "fr", [new { id = 1, title = "t", content = "c" }]);

        var refused = await GetAsync(server, "/hc/acme-help/fr/articles.json", forwardedHost: "chatwoot.internal");
        var unknownPortal = await GetAsync(server, "/hc/nope/fr/articles.json", forwardedHost: "chat.acme.example");
        var unknownLocale = await GetAsync(server, "/hc/acme-help/xx/articles.json", forwardedHost: "proxy.local, chat.acme.example");

        Assert.Equal((401, ChatwootFixture.Load("4.15", "hc_domain_refused_401").Text), ((int)refused.Response.StatusCode, refused.Body));
        Assert.Equal((404, ChatwootFixture.Load("4.15", "hc_unknown_portal_404").Text), ((int)unknownPortal.Response.StatusCode, unknownPortal.Body));
        Assert.Equal((200, ChatwootFixture.Load("4.15", "hc_unknown_locale_200").Text), ((int)unknownLocale.Response.StatusCode, unknownLocale.Body));
    }

    [Fact]
    public async Task Without_per_page_every_article_comes_and_with_it_tied_positions_make_pages_repeat_and_skip()
    {
        await using var server = await FakeHttpServer.StartAsync();
        var helpCenter = new FakeHelpCenter(server, "127.0.0.1");
        helpCenter.Serve("help", "en", Enumerable.Range(1, 250).Select(i => (object)new { id = i, title = $"a{i}", content = "c", position = 10 * (1 + (i % 3)) }).ToList());

        static List<int> Ids(string body) => JsonDocument.Parse(body).RootElement.GetProperty("payload").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()).ToList();
        var all = Ids((await GetAsync(server, "/hc/help/en/articles.json")).Body);
        var paged = new List<int>();
        for (var page = 1; page <= 3; page++)
        {
            paged.AddRange(Ids((await GetAsync(server, $"/hc/help/en/articles.json?page={page}&per_page=100")).Body));
        }

        Assert.Equal(250, all.Distinct().Count());
        Assert.Equal(250, paged.Count);
        // 83 or 84 articles share each position, across page boundaries, and come in a new order on every request: three pages cannot be a partition.
        Assert.True(paged.Distinct().Count() < 250, "pages of tied positions repeated or skipped nothing");
    }
}
