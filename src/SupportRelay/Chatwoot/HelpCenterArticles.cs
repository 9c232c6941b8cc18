using SupportRelay.HelpCenter;

namespace SupportRelay.Chatwoot;

/// <summary>
/// A portal locale's articles as Chatwoot listed them: the usable ones, how many items came, and how many
/// Chatwoot said there are (<c>meta.articles_count</c>, null when it did not say).
/// </summary>
public sealed record HelpCenterArticles(IReadOnlyList<Article> Articles, int Received, int? Declared);
