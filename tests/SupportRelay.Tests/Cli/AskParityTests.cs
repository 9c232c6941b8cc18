using System.Globalization;
using System.Text.Json;
using SupportRelay.Bot;
using SupportRelay.HelpCenter;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Cli;

/// <summary>
/// <c>ask --json</c> and the service make the same decision on the same message and articles: the service reads the
/// Scalingo articles from a fake Chatwoot Help Center and answers webhooks, <c>ask</c> reads them from a file, as a process.
/// </summary>
public sealed class AskParityTests
{
    [Fact]
    public async Task Ask_and_the_service_decide_alike_on_labelled_messages()
    {
        var articles = ArticleFile.Load(CorpusPaths.ScalingoArticles);
        // Chatwoot numbers its articles: both sides see the same numbers, so the ids they report compare.
        var numbered = articles.Select((a, i) => (Id: (i + 1).ToString(CultureInfo.InvariantCulture), Article: a)).ToList();
        var file = Path.Combine(Directory.CreateTempSubdirectory("supportrelay-parity-").FullName, "articles.jsonl");
        await File.WriteAllLinesAsync(file, numbered.Select(n => JsonSerializer.Serialize(new
        {
            id = n.Id, title = n.Article.Title, slug = n.Article.Slug, content = n.Article.Content, description = n.Article.Description,
        })), TestContext.Current.CancellationToken);
        // Every kind, one message in eight of each, each alone in its conversation.
        var messages = DecisionEvaluation.Load(CorpusPaths.ScalingoQuestions)
            .Where(m => m.History.Count == 0 && !m.Question.Contains('\n', StringComparison.Ordinal))
            .GroupBy(m => m.Kind).SelectMany(g => g.Where((_, i) => i % 8 == 0)).ToList();

        await using var s = await ChatwootScenario.StartAsync(articles: [.. numbered.Select(n => (object)new
        {
            id = long.Parse(n.Id, CultureInfo.InvariantCulture), title = n.Article.Title, slug = n.Article.Slug, content = n.Article.Content,
            description = n.Article.Description,
        })]);
        for (var i = 0; i < messages.Count; i++)
        {
            await s.SendAsync(s.Message(messages[i].Question, conversationId: i + 1));
        }

        await s.WaitUntilAsync("SELECT COUNT(*) FROM bot_decisions", messages.Count, TimeSpan.FromSeconds(120));
        var service = (await s.QueryAsync<(long Conversation, string Outcome, string Reason, string ArticleIds, double? TopScore)>(
                "SELECT conversation_id, outcome, reason, article_ids, top_score FROM bot_decisions"))
            .ToDictionary(d => d.Conversation);

        var (exit, output, error) = await CommandLineTests.RunWithEmbeddingsAsync(string.Join('\n', messages.Select(m => m.Question)) + "\n", "none",
            "ask", "--json", "--articles", file);
        Assert.True(exit == 0, error);
        var asked = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(messages.Count, asked.Count);
        Assert.Contains(asked, a => !a.GetProperty("handoff").GetBoolean());
        Assert.Contains(asked, a => a.GetProperty("handoff").GetBoolean());
        for (var i = 0; i < messages.Count; i++)
        {
            var ours = service[i + 1];
            var line = asked[i];
            var because = messages[i].Question;
            Assert.True(ours.Reason == line.GetProperty("reason").GetString(), $"{because}: service {ours.Reason}, ask {line.GetProperty("reason").GetString()}");
            Assert.Equal(ours.Outcome == BotDecision.Handoff, line.GetProperty("handoff").GetBoolean());
            Assert.Equal(JsonSerializer.Deserialize<List<string>>(ours.ArticleIds), line.GetProperty("articles").EnumerateArray().Select(a => a.GetString()!).ToList());
            Assert.Equal(ours.TopScore, line.GetProperty("confidence").ValueKind == JsonValueKind.Null ? null : line.GetProperty("confidence").GetDouble());
            if (!line.GetProperty("handoff").GetBoolean() && ours.Outcome == BotDecision.Answered)
            {
                // The posted reply is the answer, then its sources and the way to a person.
                var posted = s.Posted(i + 1).Single().Json.GetProperty("content").GetString()!;
                Assert.StartsWith(line.GetProperty("answer").GetString()!, posted, StringComparison.Ordinal);
            }
        }
    }
}
