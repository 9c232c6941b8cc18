using System.Diagnostics;
using System.Text.Json;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Cli;

/// <summary><c>queue status|failed|retry</c>, run as a process next to a running service on the same SQLite file.</summary>
public sealed class QueueCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string database, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(database)!,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SupportRelay.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={database}";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    private static List<JsonElement> Lines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public async Task A_reply_that_failed_for_good_while_chatwoot_was_down_is_listed_retried_and_delivered()
    {
        await using var s = await ChatwootScenario.StartAsync(new Dictionary<string, string?> { ["Workers:MaxAttempts"] = "1" });
        s.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/*/messages",
            new FakeResponse(503, """{"error":"maintenance"}"""));
        await s.SendAsync(s.Message("How do I configure a custom domain?"));
        await s.WaitUntilAsync("SELECT COUNT(*) FROM outbox WHERE state = 'failed'", 1);
        var database = s.App.DatabasePath;

        var status = Lines((await RunAsync(database, "queue", "status")).Out);
        var failed = await RunAsync(database, "queue", "failed");

        Assert.Contains(status, l => l.GetProperty("queue").GetString() == "outbox" && l.GetProperty("state").GetString() == "failed"
            && l.GetProperty("kind").GetString() == "chatwoot.message" && l.GetProperty("count").GetInt64() == 1);
        var item = Assert.Single(Lines(failed.Out));
        Assert.Equal("outbox", item.GetProperty("queue").GetString());
        Assert.Contains("503", item.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        // Chatwoot is back: the operator retries, and the running service delivers the reply once.
        s.Chatwoot.On("POST", $"/api/v1/accounts/{ChatwootScenario.AccountId}/conversations/*/messages",
            r => FakeResponse.Json(new { id = 555, content = r.Json.GetProperty("content").GetString() }));
        var retry = await RunAsync(database, "queue", "retry", "--id", $"outbox:{item.GetProperty("id").GetInt64()}");

        Assert.True(retry.Exit == 0, retry.Err);
        Assert.Equal(1, Lines(retry.Out).Single().GetProperty("retried").GetInt32());
        await s.WaitUntilAsync("SELECT COUNT(*) FROM outbox WHERE state = 'sent'", 1);
        Assert.Contains("domain", s.Posted()[^1].Json.GetProperty("content").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Lines((await RunAsync(database, "queue", "failed")).Out));
    }

    [Theory]
    [InlineData("retry")]
    [InlineData("retry", "--id", "outbox:1", "--all")]
    [InlineData("retry", "--id", "outbox")]
    [InlineData("retry", "--id", "mailbox:3")]
    [InlineData("retry", "--id", "outbox:-3")]
    [InlineData("retry", "--id", "outbox:1", "--kind", "chatwoot.message")]
    [InlineData("retry", "--all", "--queue", "elsewhere")]
    [InlineData("failed", "--limit", "0")]
    public async Task Bad_arguments_are_refused_naming_the_problem_and_change_nothing(params string[] args)
    {
        var directory = Directory.CreateTempSubdirectory("supportrelay-queue-");
        try
        {
            var database = Path.Combine(directory.FullName, "queue.db");

            var (exit, output, error) = await RunAsync(database, ["queue", .. args]);

            Assert.NotEqual(0, exit);
            // The usage goes to stdout, as for every command; no result does.
            Assert.DoesNotMatch("\"(retried|queue)\":\\s*[\"\\d]", output);
            Assert.Matches("--id|--all|--queue|--kind|--limit|QUEUE:ID|'outbox'", error);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
