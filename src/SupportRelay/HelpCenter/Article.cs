namespace SupportRelay.HelpCenter;

/// <summary>
/// One published Help Center article. <see cref="Content"/> is the article's Markdown as Chatwoot
/// stores it; retrieval turns it into plain text itself.
/// </summary>
public sealed record Article(
    string Id,
    string Title,
    string Content,
    string? Description = null,
    string? Slug = null,
    string? Url = null,
    string Locale = "en");
