using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>The webhook's front door: authentication, validation, storage once, and fast answers.</summary>
public abstract class ChatwootWebhookTests(DatabaseKind database) : IAsyncLifetime
{
    private readonly DatabaseKind _database = database;

    private Task<ChatwootScenario> Start(IDictionary<string, string?>? settings = null, bool withLlm = false, IReadOnlyList<object>? articles = null) =>
        ChatwootScenario.StartAsync(settings, withLlm, articles, _database);

    private ChatwootScenario _scenario = null!;

    public async ValueTask InitializeAsync() =>
        _scenario = await Start(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" });

    public ValueTask DisposeAsync() => _scenario.DisposeAsync();

    private Task<long> StoredAsync() => _scenario.QueryAsync<long>("SELECT COUNT(*) FROM webhook_inbox").ContinueWith(t => t.Result.Single());

    [Fact]
    public async Task A_signed_event_is_stored_and_acknowledged()
    {
        var response = await _scenario.SendAsync(_scenario.Message("How do I restart my VM?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("accepted", (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("status").GetString());
        Assert.Equal(1, await StoredAsync());
    }

    [Fact]
    public async Task A_redelivery_with_the_same_delivery_id_is_stored_once()
    {
        var body = _scenario.Message("How do I restart my VM?");
        var delivery = Guid.NewGuid().ToString();

        var first = await _scenario.SendAsync(body, delivery);
        var second = await _scenario.SendAsync(body, delivery);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, await StoredAsync());
    }

    [Fact]
    public async Task Without_a_delivery_id_the_message_id_deduplicates()
    {
        var body = _scenario.Message("How do I restart my VM?", messageId: 555).ToJsonString();

        await _scenario.SendRawAsync(body, deliveryId: null);
        await _scenario.SendRawAsync(body, deliveryId: null);

        Assert.Equal(1, await StoredAsync());
        Assert.Equal("message_created:555", (await _scenario.QueryAsync<string>("SELECT event_key FROM webhook_inbox")).Single());
    }

    [Fact]
    public async Task The_token_in_the_url_authenticates_chatwoot_that_cannot_sign()
    {
        var body = _scenario.Message("Hello there, my VM does not boot").ToJsonString();

        var good = await _scenario.SendRawAsync(body, null, secret: null, path: $"/api/v1/webhooks/chatwoot?token={ChatwootScenario.Secret}");
        var bad = await _scenario.SendRawAsync(body, null, secret: null, path: "/api/v1/webhooks/chatwoot?token=wrong");

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        await AssertProblemAsync(bad, HttpStatusCode.Unauthorized, "Bad token");
        Assert.Equal(1, await StoredAsync());
    }

    [Fact]
    public async Task Every_configured_secret_is_accepted()
    {
        await _scenario.RestartAsync(new Dictionary<string, string?> { ["Chatwoot:WebhookSecret"] = "bot-secret, account-secret" });

        var bot = await _scenario.SendAsync(_scenario.Message("one question about domains"), secret: "bot-secret");
        var account = await _scenario.SendAsync(_scenario.Message("another question about billing"), secret: "account-secret");
        var other = await _scenario.SendAsync(_scenario.Message("third question"), secret: "test-webhook-secret");

        Assert.Equal(HttpStatusCode.OK, bot.StatusCode);
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task Missing_credentials_are_refused()
    {
        var response = await _scenario.SendRawAsync(_scenario.Message("hi").ToJsonString(), null, secret: null);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Missing authentication");
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task A_wrong_signature_is_refused()
    {
        var response = await _scenario.SendAsync(_scenario.Message("hi"), secret: "not-the-secret");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Bad signature");
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var body = _scenario.Message("original").ToJsonString();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/chatwoot")
        {
            Content = new StringContent(body.Replace("original", "tampered", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Chatwoot-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Chatwoot-Signature", SupportRelay.Chatwoot.WebhookAuthenticator.Sign(ChatwootScenario.Secret, ts, System.Text.Encoding.UTF8.GetBytes(body)));

        var response = await _scenario.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Bad signature");
    }

    [Theory]
    [InlineData(-400)]
    [InlineData(400)]
    public async Task A_stale_timestamp_is_refused(int offsetSeconds)
    {
        var response = await _scenario.SendAsync(_scenario.Message("hi"), timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Stale timestamp");
        Assert.Equal(0, await StoredAsync());
    }

    [Theory]
    [InlineData("md5=abcd", "1700000000")]
    [InlineData("sha256=not-hex", "1700000000")]
    [InlineData("sha256=abcd", "yesterday")]
    [InlineData("sha256=abcd", "")]
    public async Task A_malformed_signature_is_a_bad_request(string signature, string timestamp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/chatwoot")
        {
            Content = new StringContent(_scenario.Message("hi").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Chatwoot-Signature", signature);
        request.Headers.Add("X-Chatwoot-Timestamp", timestamp);

        var response = await _scenario.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Malformed signature");
    }

    [Fact]
    public async Task Without_a_configured_secret_every_event_is_refused()
    {
        await _scenario.RestartAsync(new Dictionary<string, string?> { ["Chatwoot:WebhookSecret"] = "" });

        var response = await _scenario.SendAsync(_scenario.Message("hi"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Webhook secret not configured");
        Assert.Equal(0, await StoredAsync());
    }

    [Theory]
    [InlineData("{not json", "Malformed JSON")]
    [InlineData("[1,2,3]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{}", "'event'")]
    [InlineData("""{"event": 12}""", "'event'")]
    [InlineData("""{"event":"message_created","conversation":{"id":1}}""", "'id'")]
    [InlineData("""{"event":"message_created","id":"abc","conversation":{"id":1}}""", "'id'")]
    [InlineData("""{"event":"message_created","id":5}""", "'conversation'")]
    [InlineData("""{"event":"message_created","id":5,"conversation":"x"}""", "'conversation'")]
    [InlineData("""{"event":"message_created","id":5,"conversation":{"id":"one"}}""", "'conversation.id'")]
    [InlineData("""{"event":"message_created","id":5,"conversation":{"id":1},"message_type":"sideways"}""", "'message_type'")]
    [InlineData("""{"event":"message_created","id":5,"conversation":{"id":1},"content":42}""", "'content'")]
    [InlineData("""{"event":"message_created","id":5,"conversation":{"id":1},"private":"no"}""", "'private'")]
    [InlineData("""{"event":"conversation_status_changed","status":"open"}""", "'id'")]
    [InlineData("""{"event":"conversation_status_changed","id":3,"status":7}""", "'status'")]
    [InlineData("""{"event":"message_created","id":5,"conversation":{"id":1},"content":"re\ud800start"}""", "not valid Unicode")]
    [InlineData("""{"event":"\udc00"}""", "not valid Unicode")]
    [InlineData("""{"event":"message_created","id":"\ud800","conversation":{"id":1}}""", "not valid Unicode")]
    public async Task Bad_bodies_get_a_400_naming_the_problem(string body, string expected)
    {
        var response = await _scenario.SendRawAsync(body, Guid.NewGuid().ToString());

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
        Assert.Contains(expected, problem.GetProperty("detail").GetString() + problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task An_oversized_delivery_id_is_refused()
    {
        var response = await _scenario.SendAsync(_scenario.Message("hi"), deliveryId: new string('d', 500));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Invalid event");
        Assert.Contains("X-Chatwoot-Delivery", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_bad_request_not_a_crash()
    {
        var body = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);

        var response = await _scenario.SendRawAsync(body, Guid.NewGuid().ToString());

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Malformed JSON");
    }

    [Fact]
    public async Task Numbers_sent_as_strings_are_accepted()
    {
        var body = """{"event":"message_created","id":"77","content":"hi","message_type":0,"private":false,"conversation":{"id":"42","status":"pending"},"account":{"id":"7"}}""";

        var response = await _scenario.SendRawAsync(body, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await StoredAsync());
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused()
    {
        var message = _scenario.Message(new string('a', 1024 * 1024 + 10));

        var response = await _scenario.SendAsync(message);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Body too large");
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task Unknown_events_are_accepted_and_ignored()
    {
        var response = await _scenario.SendAsync(new JsonObject { ["event"] = "contact_created", ["id"] = 9 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("status").GetString());
        Assert.Equal(0, await StoredAsync());
    }

    [Fact]
    public async Task Metrics_count_received_and_rejected_webhooks()
    {
        await _scenario.SendAsync(_scenario.Message("hi"));
        await _scenario.SendAsync(_scenario.Message("hi"), secret: "wrong");

        var text = await _scenario.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("supportrelay_webhooks_received_total{", text, StringComparison.Ordinal);
        Assert.Contains("reason=\"BadSignature\"", text, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (title is not null)
        {
            Assert.Equal(title, problem.GetProperty("title").GetString());
        }

        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}

public sealed class ChatwootWebhookTestsOnSqlite() : ChatwootWebhookTests(DatabaseKind.Sqlite);

public sealed class ChatwootWebhookTestsOnPostgres() : ChatwootWebhookTests(DatabaseKind.Postgres);
