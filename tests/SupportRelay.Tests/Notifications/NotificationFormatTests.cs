using SupportRelay.Notifications;
using SupportRelay.Providers;
using SupportRelay.Telegram;

namespace SupportRelay.Tests.Notifications;

/// <summary>Each channel's formatting on its own: escaping, limits, segments.</summary>
public sealed class NotificationFormatTests
{
    private static readonly Uri Link = new("https://chat.example.com/app/accounts/7/conversations/42");

    [Theory]
    [InlineData("a < b & c > d", "a &lt; b &amp; c &gt; d")]
    [InlineData("<script>alert(\"x\")</script>", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")]
    [InlineData("&amp; already", "&amp;amp; already")]
    public void Telegram_html_escapes_everything_from_outside(string text, string expected) =>
        Assert.Equal(expected, TelegramHtml.Escape(text));

    [Fact]
    public void A_telegram_message_never_exceeds_4096_even_when_escaping_lengthens_it()
    {
        var text = string.Concat(Enumerable.Repeat("<&> 🚀 ", 2000));

        var html = TelegramNotificationChannel.Format(new NotificationContent("Conversation #1 needs a person", text, Link, 7, 1));

        Assert.True(html.Length <= 4096, $"{html.Length}");
        Assert.True(html.Length > 3800, $"the text was cut too short: {html.Length}");
        Assert.EndsWith("<i>for a private note.</i>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<&>", html, StringComparison.Ordinal);
        // No entity cut in half.
        var lastAmp = html.LastIndexOf('&', html.IndexOf("<a href", StringComparison.Ordinal));
        Assert.Matches("^&(lt|gt|amp|quot);", html[lastAmp..]);
    }

    [Theory]
    [InlineData("hello", 1)]
    [InlineData("€", 1)]
    [InlineData("日本", 1)]
    public void Short_messages_take_one_segment(string body, int expected) => Assert.Equal(expected, SmsNotificationChannel.Segments(body));

    [Fact]
    public void Segments_follow_gsm7_and_ucs2_sizes()
    {
        Assert.Equal(1, SmsNotificationChannel.Segments(new string('a', 160)));
        Assert.Equal(2, SmsNotificationChannel.Segments(new string('a', 161)));
        Assert.Equal(2, SmsNotificationChannel.Segments(new string('a', 306)));
        Assert.Equal(3, SmsNotificationChannel.Segments(new string('a', 307)));
        Assert.Equal(2, SmsNotificationChannel.Segments(new string('é', 100) + "ж"));
        Assert.Equal(1, SmsNotificationChannel.Segments(new string('ж', 70)));
    }

    [Theory]
    [InlineData("Mon serveur ne répond plus. ", 1)]
    [InlineData("サーバーが応答しません。🙏 ", 2)]
    [InlineData("Server down. ", 3)]
    public void An_sms_keeps_the_subject_and_link_whole_within_its_segments(string phrase, int segments)
    {
        var content = new NotificationContent("Conversation #42 needs a person", string.Concat(Enumerable.Repeat(phrase, 200)), Link);

        var body = SmsNotificationChannel.Format(content, segments);

        Assert.True(SmsNotificationChannel.Segments(body) <= segments, body);
        Assert.StartsWith("Conversation #42 needs a person\n", body, StringComparison.Ordinal);
        Assert.EndsWith(Link.ToString(), body, StringComparison.Ordinal);
        Assert.True(body.Length < content.Text.Length);
    }

    [Theory]
    [InlineData("secret_1", "secret_1", true)]
    [InlineData("secret_1", "secret_2", false)]
    [InlineData("secret", "secret_1", false)]
    [InlineData("", "secret_1", false)]
    [InlineData(null, "secret_1", false)]
    public void The_webhook_secret_is_compared_exactly(string? given, string expected, bool matches) =>
        Assert.Equal(matches, SupportRelay.Text.SecretComparison.Matches(given, expected));

    [Fact]
    public void An_email_is_plain_text_with_the_link()
    {
        var text = EmailNotificationChannel.Format(new NotificationContent("Subject", "The customer wrote:\n<b>hi</b>", Link));

        Assert.Contains("<b>hi</b>", text, StringComparison.Ordinal);
        Assert.Contains(Link.ToString(), text, StringComparison.Ordinal);
    }
}
