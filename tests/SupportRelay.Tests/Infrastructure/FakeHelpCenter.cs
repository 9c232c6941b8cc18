using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// Chatwoot's public Help Center route <c>GET /hc/{portal}/{locale}/articles.json</c> on a fake server, as
/// Chatwoot 4.15 answers it (<c>Public::Api::V1::Portals::ArticlesController</c>, see
/// <c>Chatwoot/Fixtures/README.md</c>):
/// <list type="bullet">
/// <item>the host first: Rails' <c>request.host</c> (the last <c>X-Forwarded-Host</c> value, else <c>Host</c>, without
/// its port) must be one of <see cref="Hosts"/> (FRONTEND_URL's, HELPCENTER_URL's) or a portal's custom domain, else
/// 401 with Chatwoot's own body;</item>
/// <item>then the portal: an unknown or archived one is Rails' 404 <c>{"status":404,"error":"Not Found"}</c>;</item>
/// <item>a locale without articles is 200 with an empty list;</item>
/// <item>articles by <c>position</c> alone, ties in a new order on every request (PostgreSQL's); without
/// <c>per_page</c> all of them, with it <c>page</c> pages of at most 100 (below 1: 25);</item>
/// <item>each article without a top-level <c>locale</c> (it is <c>category.locale</c>) and with its relative <c>link</c>.</item>
/// </list>
/// </summary>
public sealed class FakeHelpCenter
{
    private readonly ConcurrentDictionary<string, Portal> _portals = new(StringComparer.Ordinal);

    public FakeHelpCenter(FakeHttpServer server, params string[] hosts)
    {
        Hosts = new ConcurrentDictionary<string, bool>(hosts.Select(h => KeyValuePair.Create(h, true)), StringComparer.OrdinalIgnoreCase);
        server.On("GET", "/hc/*", Respond);
    }

    /// <summary>The hosts of Chatwoot's FRONTEND_URL and HELPCENTER_URL.</summary>
    public ConcurrentDictionary<string, bool> Hosts { get; }

    /// <summary>Publishes <paramref name="articles"/> as the portal's articles in <paramref name="locale"/> (replacing what it had there).</summary>
    public void Serve(string portal, string locale, IReadOnlyList<object> articles, string? customDomain = null)
    {
        var entry = _portals.GetOrAdd(portal, _ => new Portal());
        entry.CustomDomain = customDomain ?? entry.CustomDomain;
        entry.Locales[locale] = articles.Select((a, i) => Normalize(portal, locale, a, i)).ToList();
    }

    /// <summary>Archives the portal: Chatwoot then answers 404 for it.</summary>
    public void Archive(string portal) => _portals.GetOrAdd(portal, _ => new Portal()).Archived = true;

    /// <summary>The body of Chatwoot's refusal of a host (<c>PublicController#ensure_custom_domain_request</c>; seven spaces from the Ruby line continuation).</summary>
    public static string DomainRefusal(string host) =>
        JsonSerializer.Serialize(new { error = $"Domain: {host} is not registered with us.       Please send us an email at support@chatwoot.com with the custom domain name and account API key" });

    public const string NotFound = """{"status":404,"error":"Not Found"}""";

    private FakeResponse Respond(RecordedRequest request)
    {
        var host = RequestHost(request);
        var parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var byDomain = _portals.Values.Any(p => string.Equals(p.CustomDomain, host, StringComparison.OrdinalIgnoreCase));
        if (!Hosts.ContainsKey(host) && !byDomain)
        {
            return new FakeResponse(401, DomainRefusal(host));
        }

        if (parts.Length != 4 || parts[3] != "articles.json" || !_portals.TryGetValue(parts[1], out var portal) || portal.Archived)
        {
            return new FakeResponse(404, NotFound);
        }

        var all = portal.Locales.TryGetValue(parts[2], out var published) ? published : [];
        // order_by_position has no tie-breaker: equal positions come back in whatever order the database picks.
        var ordered = all.OrderBy(a => a["position"]!.GetValue<int>()).ThenBy(_ => Random.Shared.Next()).ToList();
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        if (!string.IsNullOrEmpty(query["per_page"]))
        {
            var perPage = Math.Min(int.Parse(query["per_page"]!, CultureInfo.InvariantCulture), 100);
            perPage = perPage < 1 ? 25 : perPage;
            var page = Math.Max(1, int.Parse(query["page"] ?? "1", CultureInfo.InvariantCulture));
            ordered = ordered.Skip((page - 1) * perPage).Take(perPage).ToList();
        }

        var body = new JsonObject
        {
            ["payload"] = new JsonArray(ordered.Select(a => (JsonNode)a.DeepClone()).ToArray()),
            ["meta"] = new JsonObject { ["articles_count"] = all.Count },
        };
        return new FakeResponse(200, body.ToJsonString());
    }

    /// <summary>Rails' <c>request.host</c>: the last <c>X-Forwarded-Host</c> value when there is one, else <c>Host</c>; no port.</summary>
    private static string RequestHost(RecordedRequest request)
    {
        var forwarded = request.Header("x-forwarded-host");
        var raw = string.IsNullOrWhiteSpace(forwarded)
            ? request.Header("host") ?? ""
            : forwarded.Split(',').Select(v => v.Trim()).Last();
        var colon = raw.LastIndexOf(':');
        return colon > 0 && raw[(colon + 1)..].All(char.IsAsciiDigit) ? raw[..colon] : raw;
    }

    /// <summary>An article as the public route shows it: the category carries the locale, <c>link</c> is relative, positions count by 10.</summary>
    private static JsonObject Normalize(string portal, string locale, object article, int index)
    {
        var json = article as JsonObject ?? JsonSerializer.SerializeToNode(article)!.AsObject();
        var slug = json["slug"]?.GetValue<string>() ?? json["id"]!.ToString();
        var itemLocale = json["locale"]?.GetValue<string>() ?? locale;
        json.Remove("locale");
        json["status"] ??= "published";
        json["position"] ??= 10 * (index + 1);
        if (!json.ContainsKey("category"))
        {
            json["category"] = new JsonObject { ["id"] = 1, ["slug"] = "general", ["locale"] = itemLocale };
        }
        else if (json["category"] is null)
        {
            // Uncategorized: Chatwoot leaves the key out, and the article has no locale at all.
            json.Remove("category");
        }

        json["link"] ??= $"hc/{portal}/articles/{slug}";
        return json;
    }

    private sealed class Portal
    {
        public ConcurrentDictionary<string, List<JsonObject>> Locales { get; } = new(StringComparer.Ordinal);

        public string? CustomDomain { get; set; }

        public bool Archived { get; set; }
    }
}
