using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SupportRelay.Answering;
using SupportRelay.Bot;
using SupportRelay.Cli;
using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;
using SupportRelay.Storage;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// Every labelled message through the bot's own pipeline (what <c>ask</c> and the service run), each with its
/// conversation's history, over the Scalingo help center. Shared by the decision benchmark and the tests that hold its figures.
/// </summary>
internal static class LabelledDecisions
{
    /// <param name="settings">Over the command line's defaults (e.g. <c>Retrieval:Embeddings</c>).</param>
    /// <param name="answers">Replaces the answer generator (a fake model); null: the extractive answer.</param>
    public static async Task<(List<(LabelledMessage Message, BotDecision Decision)> Decisions, List<double> Milliseconds)> DecideAsync(
        ArticleIndex index, IReadOnlyList<LabelledMessage> messages, IReadOnlyDictionary<string, string?> settings, IAnswerGenerator? answers = null)
    {
        var database = Path.Combine(Path.GetTempPath(), $"supportrelay-decisions-{Guid.NewGuid():N}.db");
        var all = new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:Sqlite"] = $"Data Source={database}",
            ["Llm:Provider"] = "none",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Retrieval:IndexingWait"] = "01:00:00",
        };
        try
        {
            using var host = CommandLineApp.BuildHost(services =>
            {
                if (answers is not null)
                {
                    services.RemoveAll<IAnswerGenerator>();
                    services.AddSingleton(answers);
                }
            }, all);
            await host.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
            var responder = host.Services.GetRequiredService<BotResponder>();
            var scope = new ArticleScope(index, "en", "file:articles.jsonl");
            var decisions = new List<(LabelledMessage, BotDecision)>();
            var times = new List<double>();
            foreach (var message in messages)
            {
                var history = message.History.Select(h => new HistoryMessage(ConversationStore.Customer, h)).ToList();
                var started = Stopwatch.GetTimestamp();
                var decision = await responder.RespondAsync(message.Question, history, _ => Task.FromResult<ArticleScope?>(scope), null, CancellationToken.None);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                decisions.Add((message, decision));
            }

            return (decisions, times);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }
}
