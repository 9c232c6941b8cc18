using System.Diagnostics;
using System.Text.Json;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Cli;

/// <summary><c>search --mode</c> as an operator runs it: the program in its own process, configured by the environment.</summary>
public sealed class SearchCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("supportrelay-search-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string ArticlesFile()
    {
        var path = Path.Combine(_directory, "articles.jsonl");
        File.WriteAllLines(path, ChatwootScenario.DefaultArticles.Select(a => JsonSerializer.Serialize(a)));
        return path;
    }

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(string input, IDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SupportRelay.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(_directory, "cli.db")}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteLineAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, (await output).Trim(), (await error).Trim());
    }

    private static string[] Ids(string line) =>
        [.. JsonDocument.Parse(line).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!)];

    [Fact]
    public async Task Each_mode_ranks_with_the_configured_embedding_endpoint()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64);
        var environment = new Dictionary<string, string>
        {
            ["Llm__EmbeddingModel"] = "fake-embed",
            ["Llm__EmbeddingBaseUrl"] = new Uri(embeddings.BaseUrl, "v1").ToString(),
        };
        var file = ArticlesFile();

        var semantic = await RunAsync("my box is frozen, please bounce it", environment, "search", "--articles", file, "--mode", "semantic", "--top", "2");
        var hybrid = await RunAsync("my box is frozen, please bounce it", environment, "search", "--articles", file, "--top", "2");
        var bm25 = await RunAsync("my box is frozen, please bounce it", environment, "search", "--articles", file, "--mode", "bm25");

        Assert.True(semantic.ExitCode == 0, semantic.Error);
        Assert.Equal("1", Ids(semantic.Out)[0]);
        Assert.Equal("1", Ids(hybrid.Out)[0]);
        Assert.Empty(Ids(bm25.Out));
        // The second run found the articles' embeddings in the database: one call, for the question.
        Assert.Equal(3, embeddings.Received("POST", "/v1/embeddings").Count);
    }

    [Fact]
    public async Task The_command_waits_for_the_articles_embeddings_however_short_the_service_waits()
    {
        await using var embeddings = await FakeHttpServer.StartAsync();
        FakeEmbeddings.Serve(embeddings, () => 64, articleDelay: TimeSpan.FromSeconds(1));
        var environment = new Dictionary<string, string>
        {
            ["Llm__EmbeddingModel"] = "fake-embed",
            ["Llm__EmbeddingBaseUrl"] = new Uri(embeddings.BaseUrl, "v1").ToString(),
            ["Retrieval__IndexingWait"] = "00:00:00.100",
        };

        var semantic = await RunAsync("my box is frozen, please bounce it", environment, "search", "--articles", ArticlesFile(), "--mode", "semantic");

        Assert.True(semantic.ExitCode == 0, semantic.Error);
        Assert.Equal("1", Ids(semantic.Out)[0]);
    }

    [Fact]
    public async Task Semantic_modes_without_an_embedding_model_are_refused()
    {
        var run = await RunAsync("anything", new Dictionary<string, string> { ["Retrieval__Embeddings"] = "none" }, "search", "--articles", ArticlesFile(), "--mode", "hybrid");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Retrieval:Embeddings", run.Error, StringComparison.Ordinal);
    }
}
