using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>A post whose outcome is unknown is looked for in the conversation before it is made again.</summary>
public abstract class UnknownOutcomeTests(DatabaseKind database)
{
    private const string UserToken = "user-token-abc";

    private Task<ChatwootScenario> Start(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Chatwoot:ApiAccessToken"] = UserToken, ["Chatwoot:UnknownOutcomeDelay"] = "00:00:00" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return ChatwootScenario.StartAsync(all, database: database);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_message_created_before_a_5xx_is_not_posted_again_though_no_echo_came(int status)
    {
        await using var s = await Start();
        s.ServeMessageList(UserToken);
        var answered = 0;
        // Chatwoot (or the proxy before it) creates the message, then fails: the echo webhook never comes.
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", _ =>
            Interlocked.Increment(ref answered) == 1 ? new FakeResponse(status, "upstream failed") : FakeResponse.Json(new { id = 2 }));

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.WaitIdleAsync();

        Assert.Single(s.Posted());
        Assert.Equal("sent", (await s.QueryAsync<string>("SELECT state FROM outbox")).Single());
        var listed = s.Chatwoot.Received("GET", "/conversations/42/messages");
        Assert.NotEmpty(listed);
        Assert.All(listed, r => Assert.Equal(UserToken, r.Header("api_access_token")));
    }

    [Fact]
    public async Task A_message_the_list_does_not_hold_is_posted_again()
    {
        await using var s = await Start();
        s.ServeMessageList(UserToken);
        var answered = 0;
        // Refused before anything was created (the list stays empty): posting again is right.
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", _ =>
            Interlocked.Increment(ref answered) == 1 ? new FakeResponse(503, "maintenance") : FakeResponse.Json(new { id = 2 }));
        s.Chatwoot.On("GET", "/api/v1/accounts/7/conversations/42/messages", FakeResponse.Json(new { meta = new { }, payload = Array.Empty<object>() }));

        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.WaitIdleAsync();

        Assert.Equal(2, s.Posted().Count);
    }

    [Fact]
    public async Task After_a_crash_the_next_attempt_looks_before_posting()
    {
        await using var s = await Start();
        s.ServeMessageList(UserToken);
        await s.SendAsync(s.Message("How do I restart my virtual machine?"));
        await s.WaitIdleAsync();
        Assert.Single(s.Posted());

        // The process died after Chatwoot created the message and before the row was marked sent: its echo went to
        // the dead process (Chatwoot does not redeliver a refused connection). The lease ends; the row is claimed again.
        await s.QueryAsync<long>("UPDATE outbox SET state = 'pending', attempts = 1, progress = 0, locked_by = 'dead', locked_until = 0, next_attempt_at = 0; SELECT 1");
        await s.QueryAsync<long>("DELETE FROM conversation_messages WHERE role = 'assistant'; SELECT 1");
        await s.RestartAsync();
        await s.WaitIdleAsync();

        Assert.Single(s.Posted());
        Assert.Equal("sent", (await s.QueryAsync<string>("SELECT state FROM outbox")).Single());
    }

    [Fact]
    public async Task A_handoff_whose_message_chatwoot_refuses_still_opens_the_conversation()
    {
        await using var s = await Start();
        s.Chatwoot.On("POST", "/api/v1/accounts/7/conversations/42/messages", new FakeResponse(400, """{"error":"content is invalid"}"""));

        await s.SendAsync(s.Message("I want to talk to a human"));
        await s.WaitIdleAsync();

        Assert.Equal("open", s.Toggled().Single().Json.GetProperty("status").GetString());
        var (state, error) = (await s.QueryAsync<(string State, string LastError)>("SELECT state, last_error FROM outbox WHERE kind = 'chatwoot.message'")).Single();
        Assert.Equal("failed", state);
        Assert.Contains("handed off without its message", error, StringComparison.Ordinal);
    }
}

public sealed class UnknownOutcomeTestsOnSqlite() : UnknownOutcomeTests(DatabaseKind.Sqlite);

public sealed class UnknownOutcomeTestsOnPostgres() : UnknownOutcomeTests(DatabaseKind.Postgres);
