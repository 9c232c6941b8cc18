using System.Text.RegularExpressions;
using SupportRelay.HelpCenter;

namespace SupportRelay.Answering;

/// <summary>What kind of contact detail an answer carried that its articles do not.</summary>
public enum ForeignDetail
{
    Link,
    Email,
    Phone,
}

/// <summary>
/// Checks a generated answer against the articles it cites: a link, host, e-mail address or phone number the
/// answer carries must appear in one of them. A model that obeys instructions hidden in a customer's message
/// (or that makes up a support address) would otherwise have the bot post a phishing link under the provider's
/// name; an extractive answer is article text and always passes.
/// </summary>
public static partial class AnswerGuard
{
    // File names look like host names (app.json, Procfile.lock): these endings are not top-level domains.
    private static readonly HashSet<string> FileEndings = new(StringComparer.OrdinalIgnoreCase)
    {
        "js", "mjs", "cjs", "json", "yml", "yaml", "txt", "log", "xml", "toml", "lock", "cfg", "conf", "ini", "env",
        "rb", "php", "java", "html", "htm", "css", "scss", "sql", "zip", "gz", "tgz", "tar", "csv", "pem", "crt",
        "exe", "jar", "war", "properties", "lua", "exs", "erl", "py", "sh", "md", "rs", "ts", "tsx", "jsx", "go",
        "png", "jpg", "jpeg", "gif", "svg", "pdf", "dump", "sqlite", "bak", "key", "pub", "tf", "kt", "scala",
    };

    /// <summary>The details of <paramref name="answer"/> that none of <paramref name="cited"/> holds, by kind.</summary>
    public static IReadOnlyList<ForeignDetail> ForeignDetails(string answer, IReadOnlyCollection<Article> cited)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(cited);
        var known = Known.From(cited);
        var foreign = new List<ForeignDetail>();

        var rest = answer;
        foreach (Match match in Email().Matches(answer))
        {
            if (!known.Emails.Contains(match.Value.ToLowerInvariant()))
            {
                foreign.Add(ForeignDetail.Email);
            }
        }

        // An address's domain is not a host of its own.
        rest = Email().Replace(rest, " ");
        foreach (Match match in Url().Matches(rest))
        {
            var url = TrimUrl(match.Value);
            if (!known.Links.Contains(NormalizeUrl(url)) && !known.Origins.Contains(NormalizeUrl(url)))
            {
                foreign.Add(ForeignDetail.Link);
            }
        }

        rest = Url().Replace(rest, " ");
        foreach (Match match in BareHost().Matches(rest))
        {
            var host = match.Groups["host"].Value.TrimEnd('.').ToLowerInvariant();
            var ending = host[(host.LastIndexOf('.') + 1)..];
            var hasPath = match.Groups["path"].Length > 0;
            if (!hasPath && FileEndings.Contains(ending))
            {
                continue;
            }

            if (!known.Hosts.Contains(host) && !known.Text.Contains(host, StringComparison.Ordinal))
            {
                foreign.Add(ForeignDetail.Link);
            }
        }

        foreach (var digits in PhoneNumbers(rest))
        {
            if (!known.Phones.Contains(digits))
            {
                foreign.Add(ForeignDetail.Phone);
            }
        }

        return foreign;
    }

    /// <summary>The digits of each phone-number-like run: 8 to 15 digits in groups, not a date, a version or an address.</summary>
    private static IEnumerable<string> PhoneNumbers(string text)
    {
        foreach (Match match in PhoneLike().Matches(text))
        {
            var value = match.Value.Trim();
            if (DateLike().IsMatch(value) || DottedNumbers().IsMatch(value))
            {
                continue;
            }

            var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
            var grouped = value.StartsWith('+') || value.StartsWith('(') || value.Any(c => c is ' ' or '-' or '(');
            if (digits.Length is >= 8 and <= 15 && grouped)
            {
                yield return digits;
            }
        }
    }

    private static string TrimUrl(string url) => url.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '>', '"', '\'', '*', '_', '`');

    /// <summary>Scheme, case of the host, fragment and a trailing slash do not make another address.</summary>
    private static string NormalizeUrl(string url)
    {
        var value = url;
        var hash = value.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            value = value[..hash];
        }

        var start = value.IndexOf("://", StringComparison.Ordinal);
        value = start >= 0 ? value[(start + 3)..] : value;
        if (value.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            value = value[4..];
        }

        return value.TrimEnd('/').ToLowerInvariant();
    }

    /// <summary>What the cited articles hold: their links (absolute, and relative ones resolved), hosts, addresses, numbers.</summary>
    private sealed record Known(HashSet<string> Links, HashSet<string> Origins, HashSet<string> Hosts, HashSet<string> Emails,
        HashSet<string> Phones, string Text)
    {
        public static Known From(IEnumerable<Article> articles)
        {
            var known = new Known([], [], [], [], [], "");
            var text = new System.Text.StringBuilder();
            foreach (var article in articles)
            {
                var content = $"{article.Title}\n{article.Description}\n{article.Content}";
                text.Append(content.ToLowerInvariant()).Append('\n');
                var links = Url().Matches(content).Select(m => TrimUrl(m.Value)).ToList();
                if (article.Url is not null)
                {
                    links.Add(article.Url);
                    if (Uri.TryCreate(article.Url, UriKind.Absolute, out var baseUri))
                    {
                        foreach (Match relative in RelativeLink().Matches(content))
                        {
                            if (Uri.TryCreate(baseUri, relative.Groups["path"].Value, out var resolved))
                            {
                                links.Add(resolved.ToString());
                            }
                        }
                    }
                }

                foreach (var link in links)
                {
                    known.Links.Add(NormalizeUrl(link));
                    if (Uri.TryCreate(link, UriKind.Absolute, out var uri))
                    {
                        var host = uri.Host.ToLowerInvariant();
                        known.Hosts.Add(host);
                        known.Origins.Add(NormalizeUrl(host));
                    }
                }

                foreach (Match email in Email().Matches(content))
                {
                    known.Emails.Add(email.Value.ToLowerInvariant());
                }

                foreach (var digits in PhoneNumbers(Email().Replace(Url().Replace(content, " "), " ")))
                {
                    known.Phones.Add(digits);
                }
            }

            return known with { Text = text.ToString() };
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>()\[\]""'`]+", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\w@./-])(?<host>(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24})(?<path>/[^\s<>()\[\]""'`]*)?(?![\w@-])", RegexOptions.IgnoreCase)]
    private static partial Regex BareHost();

    [GeneratedRegex(@"\]\((?<path>/[^)\s]*)\)|href=""(?<path>/[^""]*)""")]
    private static partial Regex RelativeLink();

    [GeneratedRegex(@"(?<![\w.+-])\+?\(?\d[\d \t().-]{6,}\d(?![\w.-]?\d)")]
    private static partial Regex PhoneLike();

    [GeneratedRegex(@"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")]
    private static partial Regex DateLike();

    [GeneratedRegex(@"^\d+(?:\.\d+)+$")]
    private static partial Regex DottedNumbers();
}
