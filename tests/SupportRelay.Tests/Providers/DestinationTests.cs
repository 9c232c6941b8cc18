using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

/// <summary>Nothing but the proof goes to a phone, an address or a chat that its provider has not proven.</summary>
public abstract partial class DestinationTests(DatabaseKind database)
{
    private const string VerifyPath = "/api/v1/providers/me/verify";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<NotificationScenario> Start(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ProviderApi:RequestsPerMinutePerKey"] = "10000",
            ["ProviderApi:RequestsPerMinutePerIp"] = "10000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return NotificationScenario.StartAsync(database, all);
    }

    private static (RequestSigner Signer, HttpClient Client) Provider(NotificationScenario s)
    {
        var signer = RequestSigner.Generate(TimeProvider.System);
        return (signer, s.Chatwoot.App.EnrolledClient(signer));
    }

    /// <summary>The SMS bodies Twilio was asked to send to <paramref name="to"/>.</summary>
    private static List<string> Sms(NotificationScenario s, string to) =>
        [.. s.Twilio.Received("POST", "/Messages.json").Select(r => System.Web.HttpUtility.ParseQueryString(r.Body))
            .Where(f => f["To"] == to).Select(f => f["Body"]!)];

    private static string CodeIn(string text) => SixDigits().Match(text).Value;

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient client, string body) => client.PostAsync(
        new Uri(VerifyPath, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

    [Fact]
    public async Task A_new_phone_number_gets_a_code_and_nothing_else_until_the_code_comes_back()
    {
        await using var s = await Start();
        var (_, client) = Provider(s);
        const string Phone = "+41791234567";

        var put = await (await client.PutJsonAsync(ConfigPath, $$"""{"notifyVia":"sms","notifyPhone":"{{Phone}}"}""")).JsonAsync();
        await s.Twilio.WaitForAsync("POST", "/Messages.json");
        var before = await (await client.PostPathAsync(TestPath)).JsonAsync();
        var wrong = await VerifyAsync(client, """{"channel":"sms","code":"000000"}""");
        var code = CodeIn(Sms(s, Phone).Single());
        var right = await VerifyAsync(client, $$"""{"channel":"sms","code":"{{code}}"}""");
        var after = await (await client.PostPathAsync(TestPath)).JsonAsync();
        var get = await (await client.GetPathAsync(ConfigPath)).JsonAsync();

        var destination = put.GetProperty("destinations").EnumerateArray().Single();
        Assert.Equal(("sms", Phone, false, "code_sent"), (destination.GetProperty("channel").GetString(), destination.GetProperty("address").GetString(),
            destination.GetProperty("verified").GetBoolean(), destination.GetProperty("status").GetString()));
        Assert.False(before.GetProperty("accepted").GetBoolean());
        Assert.Contains("not verified", before.GetProperty("error").GetString(), StringComparison.Ordinal);
        (await wrong.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("code");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.True(after.GetProperty("accepted").GetBoolean());
        Assert.True(get.GetProperty("destinations")[0].GetProperty("verified").GetBoolean());
        var sent = Sms(s, Phone);
        Assert.Equal(2, sent.Count);
        Assert.Contains("verification code", sent[0], StringComparison.Ordinal);
        Assert.Contains("test notification", sent[1], StringComparison.Ordinal);
        // The code left the outbox row once it was sent.
        Assert.DoesNotContain(code, string.Concat(await s.Chatwoot.QueryAsync<string>("SELECT payload FROM outbox")), StringComparison.Ordinal);
        Assert.DoesNotContain(s.Chatwoot.App.Logs.Lines, l => l.Contains(Phone, StringComparison.Ordinal) || l.Contains(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_codes_spend_the_code_and_an_expired_code_is_refused()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["ProviderApi:MaxCodeAttempts"] = "2" });
        var (_, client) = Provider(s);
        const string Phone = "+447400123456";
        await client.PutJsonAsync(ConfigPath, $$"""{"notifyVia":"sms","notifyPhone":"{{Phone}}"}""");
        await s.Twilio.WaitForAsync("POST", "/Messages.json");
        var code = CodeIn(Sms(s, Phone).Single());
        var wrongCode = code == "111111" ? "222222" : "111111";

        await VerifyAsync(client, $$"""{"channel":"sms","code":"{{wrongCode}}"}""");
        await VerifyAsync(client, $$"""{"channel":"sms","code":"{{wrongCode}}"}""");
        var spent = await VerifyAsync(client, $$"""{"channel":"sms","code":"{{code}}"}""");

        var detail = (await spent.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("code")[0].GetString();
        Assert.Contains("spent", detail, StringComparison.Ordinal);
        var resent = await VerifyAsync(client, """{"channel":"sms"}""");
        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        await s.Twilio.WaitForAsync("POST", "/Messages.json", 2);
        Assert.Equal(HttpStatusCode.OK, (await VerifyAsync(client, $$"""{"channel":"sms","code":"{{CodeIn(Sms(s, Phone)[1])}}"}""")).StatusCode);
    }

    [Theory]
    [InlineData("""{"channel":"telegram","code":"123456"}""", "channel")]
    [InlineData("""{"channel":"sms","code":"12345"}""", "code")]
    [InlineData("""{"channel":"sms","code":123456}""", "code")]
    [InlineData("""{"code":"123456"}""", "channel")]
    [InlineData("""{"channel":"sms","extra":1}""", "extra")]
    [InlineData("""[]""", "body")]
    public async Task A_bad_verify_body_is_400_naming_the_field(string body, string field)
    {
        await using var s = await Start();
        var (_, client) = Provider(s);

        var problem = await (await VerifyAsync(client, body)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_email_address_is_confirmed_by_its_link_through_a_page_that_only_a_button_confirms()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["ProviderApi:PublicUrl"] = "https://relay.example.com" });
        var (_, client) = Provider(s);
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"email","notifyEmail":"ops@acme.example"}""");
        var mail = (await s.Smtp.WaitForAsync(1)).Single();
        var link = LinkIn().Match(mail.TextBody ?? "").Value;
        var path = new Uri(link).AbsolutePath;

        var page = await s.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        var stillUnverified = await (await client.GetPathAsync(ConfigPath)).JsonAsync();
        var confirmed = await s.Client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);
        var reused = await s.Client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);
        var verified = await (await client.GetPathAsync(ConfigPath)).JsonAsync();

        Assert.StartsWith("https://relay.example.com/verify/email/", link, StringComparison.Ordinal);
        Assert.Matches("[0-9]{6}", mail.TextBody ?? "");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(stillUnverified.GetProperty("destinations")[0].GetProperty("verified").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reused.StatusCode);
        Assert.True(verified.GetProperty("destinations")[0].GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_chat_another_provider_linked_gets_only_a_confirmation_and_handoffs_go_to_it_once_someone_there_presses_link()
    {
        await using var s = await Start();
        // Provider A (the scenario's) owns chat 424242; provider B names it in its config.
        await s.ConfigureProviderAsync("telegram");
        var (b, bob) = Provider(s);
        var aliceChat = NotificationScenario.ProviderChat;

        var put = await (await bob.PutJsonAsync(ConfigPath, $$"""{"notifyVia":"telegram","telegramChatId":{{aliceChat}}}""")).JsonAsync();
        var confirmation = (await s.Telegram.WaitForAsync("POST", "/sendMessage")).Single(r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal));
        var test = await (await bob.PostPathAsync(TestPath)).JsonAsync();
        await s.MapContractAsync("C-B", b.PublicKeyHex);
        await s.Chatwoot.SendAsync(NotificationScenario.StatusChange(43, "open", "pending", customAttributes: new System.Text.Json.Nodes.JsonObject { ["contract_id"] = "C-B" }));
        await s.Chatwoot.WaitIdleAsync();

        Assert.Equal("confirm_in_chat", put.GetProperty("destinations")[0].GetProperty("status").GetString());
        Assert.False(test.GetProperty("accepted").GetBoolean());
        var sent = s.Sent(aliceChat);
        Assert.Single(sent);
        Assert.Contains("Link this chat", sent[0].Json.GetProperty("text").GetString()!, StringComparison.Ordinal);
        var button = confirmation.Json.GetProperty("reply_markup").GetProperty("inline_keyboard")[0][0];
        Assert.StartsWith("link:", button.GetProperty("callback_data").GetString()!, StringComparison.Ordinal);
        Assert.Equal("failed", (await s.Chatwoot.QueryAsync<string>("SELECT state FROM outbox WHERE kind = 'notification.handoff'")).Single());

        // Pressed from another chat, the button proves nothing; pressed in the chat, it links it.
        await s.SendUpdateAsync(NotificationScenario.Button(999, 5, button.GetProperty("callback_data").GetString()!, "cbq-x"));
        await s.SendUpdateAsync(NotificationScenario.Button(aliceChat, 501, button.GetProperty("callback_data").GetString()!, "cbq-y"));
        await s.Chatwoot.WaitIdleAsync();
        var linked = await (await bob.GetPathAsync(ConfigPath)).JsonAsync();
        Assert.True(linked.GetProperty("destinations")[0].GetProperty("verified").GetBoolean());
        Assert.True((await (await bob.PostPathAsync(TestPath)).JsonAsync()).GetProperty("accepted").GetBoolean());
    }

    [Fact]
    public async Task Without_code_verification_phones_and_addresses_count_as_proven_but_a_chat_is_still_confirmed()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["ProviderApi:VerifyDestinations"] = "false" });
        var (_, client) = Provider(s);

        var put = await (await client.PutJsonAsync(ConfigPath, """{"notifyVia":"sms","notifyPhone":"+41791234567","notifyEmail":"ops@acme.example","telegramChatId":5150}""")).JsonAsync();
        await s.Telegram.WaitForAsync("POST", "/sendMessage");
        var test = await (await client.PostPathAsync(TestPath)).JsonAsync();

        var states = put.GetProperty("destinations").EnumerateArray().ToDictionary(d => d.GetProperty("channel").GetString()!, d => d.GetProperty("status").GetString());
        Assert.Equal("verified", states["sms"]);
        Assert.Equal("verified", states["email"]);
        Assert.Equal("confirm_in_chat", states["telegram"]);
        Assert.True(test.GetProperty("accepted").GetBoolean());
        Assert.Single(s.Twilio.Received("POST", "/Messages.json"));
        Assert.Empty(s.Smtp.Messages);
    }

    [Theory]
    [InlineData("+4915112345678", false)]
    [InlineData("+41791234567", true)]
    public async Task An_operator_can_restrict_sms_to_some_countries(string phone, bool allowed)
    {
        await using var s = await Start(new Dictionary<string, string?> { ["ProviderApi:SmsCountries:0"] = "CH", ["ProviderApi:SmsCountries:1"] = "fr" });
        var (_, client) = Provider(s);

        var response = await client.PutJsonAsync(ConfigPath, $$"""{"notifyVia":"sms","notifyPhone":"{{phone}}"}""");

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            var error = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("notifyPhone")[0].GetString();
            Assert.Contains("DE", error, StringComparison.Ordinal);
            Assert.Contains("CH, FR", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Codes_to_one_destination_are_capped_per_day_whoever_asks()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["ProviderApi:MessagesPerDestinationPerDay"] = "2" });
        const string Phone = "+41791234567";
        var clients = Enumerable.Range(0, 4).Select(_ => Provider(s).Client).ToList();

        var states = new List<string?>();
        foreach (var client in clients)
        {
            var put = await (await client.PutJsonAsync(ConfigPath, $$"""{"notifyVia":"sms","notifyPhone":"{{Phone}}"}""")).JsonAsync();
            states.Add(put.GetProperty("destinations")[0].GetProperty("status").GetString());
        }

        await s.Chatwoot.WaitIdleAsync();
        Assert.Equal(["code_sent", "code_sent", "limit_reached", "limit_reached"], states);
        Assert.Equal(2, Sms(s, Phone).Count);
        await (await VerifyAsync(clients[3], """{"channel":"sms"}""")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Test_notifications_are_counted_in_the_database_across_a_restart_and_whatever_the_path_spelling()
    {
        await using var s = await Start(new Dictionary<string, string?> { ["ProviderApi:NotificationTestsPerHour"] = "2", ["ProviderApi:VerifyDestinations"] = "false" });
        var signer = RequestSigner.Generate(TimeProvider.System);
        var client = s.Chatwoot.App.EnrolledClient(signer);
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"sms","notifyPhone":"+41791234567"}""");

        Assert.Equal(HttpStatusCode.OK, (await client.PostPathAsync(TestPath)).StatusCode);
        await s.Chatwoot.RestartAsync();
        var restarted = s.Chatwoot.App.SignedClient(signer);
        Assert.Equal(HttpStatusCode.OK, (await restarted.PostPathAsync(TestPath + "/")).StatusCode);
        var third = await restarted.PostPathAsync(TestPath + "/");
        var fourth = await restarted.PostPathAsync("/API/v1/providers/me/Notification-Test");

        await third.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Equal(2, s.Twilio.Received("POST", "/Messages.json").Count);
    }

    [GeneratedRegex("(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex SixDigits();

    [GeneratedRegex(@"https://\S+/verify/email/\S+")]
    private static partial Regex LinkIn();
}

public sealed class DestinationTestsOnSqlite() : DestinationTests(DatabaseKind.Sqlite);

public sealed class DestinationTestsOnPostgres() : DestinationTests(DatabaseKind.Postgres);
