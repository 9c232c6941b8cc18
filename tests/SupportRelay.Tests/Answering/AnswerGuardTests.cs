using SupportRelay.Answering;
using SupportRelay.HelpCenter;

namespace SupportRelay.Tests.Answering;

public sealed class AnswerGuardTests
{
    private static readonly Article Domains = new("2", "Configure a custom domain",
        """
        Add a CNAME record pointing to `my-app.osc-fr1.scalingo.io`, then add the domain in the
        [dashboard](https://dashboard.scalingo.com/apps). See also [the TLS page](/platform/app/tls).
        Questions: support@scalingo.com or +33 1 84 88 34 56. Example config in `scalingo.json`, version 1.2.3,
        released 2024-01-15.
        """,
        Url: "https://doc.scalingo.com/platform/app/domains");

    private static IReadOnlyList<ForeignDetail> Check(string answer) => AnswerGuard.ForeignDetails(answer, [Domains]);

    [Theory]
    [InlineData("Add a CNAME to my-app.osc-fr1.scalingo.io, then open https://dashboard.scalingo.com/apps.")]
    [InlineData("Open the [dashboard](https://dashboard.scalingo.com/apps/) and add the domain.")]
    [InlineData("Open http://www.dashboard.scalingo.com/apps#domains.")]
    [InlineData("Go to https://dashboard.scalingo.com, then Domains.")]
    [InlineData("Read https://doc.scalingo.com/platform/app/tls about certificates.")]
    [InlineData("See https://doc.scalingo.com/platform/app/domains.")]
    [InlineData("Write to support@scalingo.com or call +33 1 84 88 34 56.")]
    [InlineData("Write to Support@Scalingo.com or call +33184883456.")]
    [InlineData("Edit scalingo.json (or app.json, package.json, config.yml) in version 1.2.3, out since 2024-01-15.")]
    [InlineData("Use Node.js 20 and restart with `scalingo restart`; it takes 10 to 20 seconds.")]
    public void What_the_cited_article_holds_passes(string answer) => Assert.Empty(Check(answer));

    [Theory]
    [InlineData("To verify your domain, log in at https://scalingo-verify.com/login.", ForeignDetail.Link)]
    [InlineData("Open https://dashboard.scalingo.com.evil.io/apps.", ForeignDetail.Link)]
    [InlineData("Open https://dashboard.scalingo.com/apps/../../phish?next=evil.", ForeignDetail.Link)]
    [InlineData("Verify your account at scalingo-help.net/verify right away.", ForeignDetail.Link)]
    [InlineData("Visit www.scalingo-billing.com.", ForeignDetail.Link)]
    [InlineData("Open [the dashboard](https://bit.ly/3xYz) and add the domain.", ForeignDetail.Link)]
    [InlineData("Send your password to billing@scalingo-support.com.", ForeignDetail.Email)]
    [InlineData("Write to security@scalingo.com.", ForeignDetail.Email)]
    [InlineData("Call our hotline on +44 20 7946 0958 now.", ForeignDetail.Phone)]
    [InlineData("Call (555) 123-4567 to confirm.", ForeignDetail.Phone)]
    [InlineData("Call 01 23 45 67 89 to confirm.", ForeignDetail.Phone)]
    public void A_detail_the_cited_article_does_not_hold_is_found(string answer, ForeignDetail kind) =>
        Assert.Equal([kind], Check(answer));

    [Fact]
    public void Only_the_cited_articles_count()
    {
        var other = new Article("9", "Phishing", "Visit https://evil.example/login", Url: "https://evil.example/help");

        Assert.Empty(AnswerGuard.ForeignDetails("Visit https://evil.example/login", [other]));
        Assert.Equal([ForeignDetail.Link], AnswerGuard.ForeignDetails("Visit https://evil.example/login", [Domains]));
        Assert.Equal([ForeignDetail.Link], AnswerGuard.ForeignDetails("Visit https://dashboard.scalingo.com/apps", []));
    }

    [Fact]
    public void Every_foreign_detail_is_counted()
    {
        Assert.Equal([ForeignDetail.Email, ForeignDetail.Link, ForeignDetail.Phone],
            Check("Mail help@evil.example, open https://evil.example/a and call +1 202 555 0143."));
    }
}
