using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Operations;
using SupportRelay.Retrieval;

namespace SupportRelay.HelpCenter;

/// <summary>The articles of one portal in one locale, with their search index.</summary>
public sealed record ArticleSet(string PortalSlug, string Locale, IReadOnlyList<Article> Articles, ArticleIndex Index, DateTimeOffset FetchedAt, bool Stale);

/// <summary>
/// Fetches a portal's published articles per locale, keeps them for <c>Chatwoot:ArticleCacheTtl</c>,
/// and rebuilds the search index only when the articles changed. When Chatwoot is down, the last
/// articles fetched are served stale rather than failing the answer. A refusal that comes from a wrong
/// setting (the Help Center's host, the portal's slug) is reported to <see cref="ConfigurationProblems"/> and
/// cleared by the next fetch of that portal that works. The cache is per replica.
/// </summary>
public sealed partial class ArticleCatalog(
    ChatwootClient chatwoot,
    IOptionsMonitor<ChatwootOptions> options,
    ConfigurationProblems problems,
    TimeProvider time,
    ILogger<ArticleCatalog> logger)
{
    private readonly ConcurrentDictionary<(string Portal, string Locale), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Portal, string Locale), SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, PortalInfo?> _portals = new(StringComparer.Ordinal);

    /// <summary>
    /// The articles for the customer: the locale of the question's language when it was detected and the
    /// portal publishes in that language, then the conversation's locale, its language without region,
    /// the portal's default locale, and <c>Chatwoot:DefaultLocale</c>; the first that has articles.
    /// </summary>
    /// <param name="questionLanguage">The detected language of the question (ISO 639-1), when the detector was sure.</param>
    public async Task<ArticleSet?> GetForLocaleAsync(long accountId, string portalSlug, string? customerLocale,
        string? questionLanguage, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        void Add(string? locale)
        {
            if (!string.IsNullOrWhiteSpace(locale) && !candidates.Contains(locale, StringComparer.OrdinalIgnoreCase))
            {
                candidates.Add(locale.Trim());
            }
        }

        var portal = await GetPortalAsync(accountId, portalSlug, cancellationToken);
        if (!string.IsNullOrWhiteSpace(questionLanguage))
        {
            Add(LocaleFor(questionLanguage, customerLocale, portal));
        }

        Add(customerLocale);
        Add(customerLocale?.Split('-', '_')[0]);
        Add(portal?.DefaultLocale);
        Add(options.CurrentValue.DefaultLocale);

        ArticleSet? last = null;
        ChatwootException? failure = null;
        foreach (var locale in candidates)
        {
            try
            {
                last = await GetAsync(portalSlug, locale, cancellationToken);
            }
            catch (ChatwootException ex) when (ex.Misconfiguration is not null)
            {
                // A refused host or an unknown portal refuses every locale alike: no point asking for the others.
                throw;
            }
            catch (ChatwootException ex)
            {
                // A locale that cannot be read is skipped; only when none can be read does the caller hear of it.
                failure = ex;
                continue;
            }

            if (last.Articles.Count > 0)
            {
                return last;
            }
        }

        return last ?? (failure is null ? null : throw failure);
    }

    public async Task<ArticleSet> GetAsync(string portalSlug, string locale, CancellationToken cancellationToken)
    {
        var key = (portalSlug, locale.ToLowerInvariant());
        var ttl = options.CurrentValue.ArticleCacheTtl;
        if (_entries.TryGetValue(key, out var cached) && time.GetUtcNow() - cached.FetchedAt < ttl)
        {
            return cached.ToSet(portalSlug, locale, stale: false);
        }

        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed it while this one waited.
            if (_entries.TryGetValue(key, out cached) && time.GetUtcNow() - cached.FetchedAt < ttl)
            {
                return cached.ToSet(portalSlug, locale, stale: false);
            }

            IReadOnlyList<Article> articles;
            try
            {
                var fetched = await chatwoot.GetArticlesAsync(portalSlug, locale, cancellationToken);
                problems.Clear(ProblemScope(portalSlug));
                if (fetched.Declared is { } declared && declared != fetched.Received)
                {
                    // Without per_page Chatwoot sends every published article of the locale; a difference means a
                    // proxy cut the body, or a version that pages anyway: the missing articles cannot answer.
                    LogCountMismatch(portalSlug, locale, fetched.Received, declared);
                }

                articles = fetched.Articles;
            }
            catch (ChatwootException ex)
            {
                if (ex.Misconfiguration is { } wrong)
                {
                    problems.Report(wrong.Problem, ProblemScope(portalSlug), wrong.Detail);
                }

                if (cached is null)
                {
                    throw;
                }

                LogServingStale(portalSlug, locale, ex.Message);
                return cached.ToSet(portalSlug, locale, stale: true);
            }

            var hash = Hash(articles);
            var entry = cached is not null && cached.Hash == hash
                ? cached with { FetchedAt = time.GetUtcNow() }
                : new Entry(articles, ArticleIndex.Build(articles, locale), hash, time.GetUtcNow());
            if (!ReferenceEquals(entry.Index, cached?.Index))
            {
                LogIndexed(portalSlug, locale, articles.Count);
            }

            _entries[key] = entry;
            return entry.ToSet(portalSlug, locale, stale: false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The <see cref="ConfigurationProblems"/> scope of a portal's Help Center.</summary>
    public static string ProblemScope(string portalSlug) => "help_center:" + portalSlug;

    /// <summary>
    /// The portal's locale for a language: the customer's own locale when it is of that language (pt_BR
    /// for a Brazilian writing Portuguese), else the portal's first locale of that language, else the bare
    /// language code. Null when the portal's locales are known and none is of that language.
    /// </summary>
    internal static string? LocaleFor(string language, string? customerLocale, PortalInfo? portal)
    {
        static string LanguageOf(string locale) => locale.Split('-', '_')[0];
        if (customerLocale is not null && string.Equals(LanguageOf(customerLocale), language, StringComparison.OrdinalIgnoreCase)
            && (portal is not { AllowedLocales.Count: > 0 } || portal.AllowedLocales.Contains(customerLocale, StringComparer.OrdinalIgnoreCase)))
        {
            return customerLocale;
        }

        if (portal is { AllowedLocales.Count: > 0 })
        {
            return portal.AllowedLocales.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase))
                ?? portal.AllowedLocales.FirstOrDefault(l => string.Equals(LanguageOf(l), language, StringComparison.OrdinalIgnoreCase));
        }

        return language;
    }

    private async Task<PortalInfo?> GetPortalAsync(long accountId, string portalSlug, CancellationToken cancellationToken)
    {
        if (_portals.TryGetValue(portalSlug, out var known))
        {
            return known;
        }

        try
        {
            var portal = await chatwoot.GetPortalAsync(accountId, portalSlug, cancellationToken);
            _portals[portalSlug] = portal;
            return portal;
        }
        catch (ChatwootException ex)
        {
            // Without the portal's default locale the configured default still works; try again next time.
            LogPortalUnavailable(portalSlug, ex.Message);
            return null;
        }
    }

    private static string Hash(IReadOnlyList<Article> articles)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var article in articles)
        {
            foreach (var part in (ReadOnlySpan<string?>)[article.Id, article.Title, article.Description, article.Content, article.Url])
            {
                sha.AppendData(Encoding.UTF8.GetBytes(part ?? ""));
                sha.AppendData([0]);
            }
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private sealed record Entry(IReadOnlyList<Article> Articles, ArticleIndex Index, string Hash, DateTimeOffset FetchedAt)
    {
        public ArticleSet ToSet(string portal, string locale, bool stale) => new(portal, locale, Articles, Index, FetchedAt, stale);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Help Center {Portal}/{Locale} could not be refreshed ({Error}); serving the cached articles")]
    private partial void LogServingStale(string portal, string locale, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Help Center {Portal}/{Locale} listed {Received} articles but says it has {Declared}; answering from those listed")]
    private partial void LogCountMismatch(string portal, string locale, int received, int declared);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indexed {Count} articles of {Portal}/{Locale}")]
    private partial void LogIndexed(string portal, string locale, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal {Portal} settings could not be read ({Error})")]
    private partial void LogPortalUnavailable(string portal, string error);
}
