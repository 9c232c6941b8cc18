using System.Diagnostics;
using System.Text.Json;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Cli;

/// <summary>The program's command line, run as a process the way a user runs it, on the Scalingo corpus.</summary>
public sealed class CommandLineTests
{
    private static Task<(int Exit, string Out, string Err)> RunAsync(string stdin, params string[] args) => RunWithEmbeddingsAsync(stdin, "none", args);

    internal static Task<(int Exit, string Out, string Err)> RunWithEmbeddingsAsync(string stdin, string? embeddings, params string[] args) =>
        RunWithEnvironmentAsync(stdin, embeddings, new Dictionary<string, string>(), args);

    /// <param name="embeddings">Retrieval:Embeddings; null: the program's default, as a user gets it.</param>
    private static async Task<(int Exit, string Out, string Err)> RunWithEnvironmentAsync(string stdin, string? embeddings, IDictionary<string, string> environment,
        params string[] args)
    {
        var program = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "SupportRelay.exe" : "SupportRelay");
        var work = Directory.CreateTempSubdirectory("supportrelay-cli-");
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work.FullName,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Llm__Provider"] = "none";
        if (embeddings is not null)
        {
            start.Environment["Retrieval__Embeddings"] = embeddings;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Search_prints_one_json_line_per_question()
    {
        var (exit, output, _) = await RunAsync("how do I add a custom domain to my app\n\nhow can I scale my containers\n",
            "search", "--articles", CorpusPaths.ScalingoArticles, "--top", "3");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal("how do I add a custom domain to my app", lines[0].GetProperty("question").GetString());
        Assert.Equal("platform__networking__public__domains__custom", lines[0].GetProperty("results")[0].GetProperty("id").GetString());
        Assert.Equal(3, lines[1].GetProperty("results").GetArrayLength());
        Assert.True(lines[1].GetProperty("results")[0].GetProperty("score").GetDouble() > 0);
    }

    [Fact]
    public async Task Ask_answers_and_hands_off_as_the_service_would()
    {
        var (exit, output, _) = await RunAsync("how can I scale my containers\nI want to talk to a human\nwhat is the best pizza in Naples\n",
            "ask", "--json", "--articles", CorpusPaths.ScalingoArticles);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.False(lines[0].GetProperty("handoff").GetBoolean());
        Assert.Equal("platform__app__scaling__scaling", lines[0].GetProperty("sources")[0].GetString());
        Assert.Equal("customer_request", lines[1].GetProperty("reason").GetString());
        Assert.Equal("low_confidence", lines[2].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Ask_takes_the_question_as_an_argument()
    {
        // With the program's defaults, as a user meets it: hybrid retrieval with the embedded model. The
        // articles are the corpus's 47 about applications: embedding all 317 takes minutes on a busy 2-core machine.
        var articles = Path.Combine(Directory.CreateTempSubdirectory("supportrelay-cli-articles-").FullName, "articles.jsonl");
        await File.WriteAllLinesAsync(articles,
            File.ReadLines(CorpusPaths.ScalingoArticles).Where(line => line.Contains("\"id\": \"platform__app__", StringComparison.Ordinal)),
            TestContext.Current.CancellationToken);
        var (exit, output, _) = await RunWithEmbeddingsAsync("", null, "ask", "--articles", articles, "How do I set environment variables?");

        Assert.Equal(0, exit);
        Assert.Contains("doc.scalingo.com/platform/app/environment", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_articles_file_is_a_clear_error()
    {
        var (exit, output, error) = await RunAsync("hello\n", "search", "--articles", "/nonexistent/articles.jsonl");

        Assert.NotEqual(0, exit);
        Assert.Empty(output);
        Assert.Contains("/nonexistent/articles.jsonl", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_option_is_refused()
    {
        var (exit, _, error) = await RunAsync("", "search", "--no-such-option");

        Assert.NotEqual(0, exit);
        Assert.Contains("--no-such-option", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_chatwoot_says_when_the_help_center_refuses_the_host_the_service_would_present()
    {
        await using var chatwoot = await FakeHttpServer.StartAsync();
        chatwoot.On("GET", "/api/v1/accounts/1/agent_bots", FakeResponse.Json(Array.Empty<object>()));
        chatwoot.On("POST", "/api/v1/accounts/1/agent_bots", FakeResponse.Json(new { id = 12, access_token = "bot-tok", secret = "bot-secret" }));
        chatwoot.On("POST", "/api/v1/accounts/1/inboxes/3/set_agent_bot", new FakeResponse(200));
        chatwoot.On("GET", "/api/v1/accounts/1/webhooks", FakeResponse.Json(new { payload = new { webhooks = Array.Empty<object>() } }));
        chatwoot.On("POST", "/api/v1/accounts/1/webhooks", FakeResponse.Json(new { payload = new { webhook = new { id = 30, secret = "hook-secret" } } }));
        chatwoot.On("GET", "/api/v1/accounts/1/portals/help", FakeResponse.Json(new { slug = "help", config = new { default_locale = "en" } }));
        // Chatwoot's FRONTEND_URL is public; SupportRelay reaches it internally and was told nothing else.
        new FakeHelpCenter(chatwoot, "chat.acme.example").Serve("help", "en", [new { id = 1, title = "t", content = "c" }]);
        var environment = new Dictionary<string, string>
        {
            ["Chatwoot__BaseUrl"] = chatwoot.BaseUrl.ToString(),
            ["Chatwoot__AccountId"] = "1",
            ["Chatwoot__ApiAccessToken"] = "admin-token",
            ["Chatwoot__DefaultPortalSlug"] = "help",
        };

        var (exit, output, error) = await RunWithEnvironmentAsync("", "none", environment, "setup", "chatwoot", "--url", "https://relay.example.com", "--inbox", "3");
        environment["Chatwoot__PublicUrl"] = "https://chat.acme.example";
        var (fixedExit, fixedOutput, fixedError) = await RunWithEnvironmentAsync("", "none", environment, "setup", "chatwoot", "--url", "https://relay.example.com", "--inbox", "3");

        Assert.True(exit == 0, error);
        var check = JsonDocument.Parse(output).RootElement.GetProperty("help_center");
        Assert.Equal("misconfigured", check.GetProperty("status").GetString());
        Assert.Equal("help_center_host_refused", check.GetProperty("problem").GetString());
        Assert.Contains("Chatwoot:HelpCenterUrl", error, StringComparison.Ordinal);
        Assert.True(fixedExit == 0, fixedError);
        Assert.Equal(("ok", 1), (JsonDocument.Parse(fixedOutput).RootElement.GetProperty("help_center").GetProperty("status").GetString(),
            JsonDocument.Parse(fixedOutput).RootElement.GetProperty("help_center").GetProperty("articles").GetInt32()));
        Assert.DoesNotContain("Help Center", fixedError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_refuses_a_url_that_is_not_absolute_http()
    {
        var (exit, _, error) = await RunAsync("", "setup", "chatwoot", "--url", "relay.example.com");

        Assert.NotEqual(0, exit);
        Assert.Contains("--url must be an absolute http or https URL, not 'relay.example.com'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }
}
