using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SupportRelay.Bot;

/// <summary>The kinds of a labelled customer message (corpus/scalingo/QUESTIONS.md).</summary>
internal static class QuestionKinds
{
    public const string Answerable = "answerable";
    public const string NotCovered = "not_covered";
    public const string Person = "person";
    public const string PersonOnly = "person_only";

    public static readonly string[] All = [Answerable, NotCovered, Person, PersonOnly];
}

/// <summary>A customer message with its kind, the articles that answer it, and earlier messages of its conversation.</summary>
internal sealed record LabelledMessage(
    string Id,
    string Kind,
    string Question,
    IReadOnlyList<string> History,
    IReadOnlyList<string> Articles,
    string Language,
    string Split,
    string? AnswerSpan);

/// <summary>The bot's decisions on one kind of message, counted.</summary>
internal sealed record DecisionCounts(int Messages, int Right, int AnsweredRight, int AnsweredWrong, int NeedlessHandoffs, int MissedHandoffs)
{
    public double RightShare => Messages == 0 ? 0 : (double)Right / Messages;
}

/// <summary>
/// Scores the bot's decisions on labelled messages, shared by the decision test and <c>bench -- decisions</c>
/// so both report the same figures. Right is: an answerable message answered from one of its articles; any
/// other kind handed to a person (a person asked for, a person's job, something the articles do not cover).
/// </summary>
internal static class DecisionEvaluation
{
    public static IReadOnlyList<LabelledMessage> Load(string path)
    {
        var messages = new List<LabelledMessage>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8).Where(l => !string.IsNullOrWhiteSpace(l)))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            static IReadOnlyList<string> Strings(JsonElement root, string name) =>
                root.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray().Select(e => e.GetString() ?? "")] : [];
            messages.Add(new LabelledMessage(
                root.GetProperty("id").GetString()!,
                root.GetProperty("kind").GetString()!,
                root.GetProperty("question").GetString()!,
                Strings(root, "history"),
                Strings(root, "articles"),
                root.TryGetProperty("language", out var language) ? language.GetString() ?? "en" : "en",
                root.GetProperty("split").GetString()!,
                root.TryGetProperty("answer_span", out var span) ? span.GetString() : null));
        }

        return messages;
    }

    /// <summary>The article the decision answered from, or null when it did not answer.</summary>
    public static string? AnsweredFrom(BotDecision decision) =>
        decision.Outcome != BotDecision.Answered ? null
        : decision.Sources is { Count: > 0 } sources ? sources[0]
        : decision.ArticleIds.Count > 0 ? decision.ArticleIds[0]
        : null;

    public static bool IsRight(LabelledMessage message, BotDecision decision) => message.Kind == QuestionKinds.Answerable
        ? AnsweredFrom(decision) is { } article && message.Articles.Contains(article, StringComparer.Ordinal)
        : decision.IsHandoff;

    public static DecisionCounts Count(IEnumerable<(LabelledMessage Message, BotDecision Decision)> decisions)
    {
        int messages = 0, right = 0, answeredRight = 0, answeredWrong = 0, needless = 0, missed = 0;
        foreach (var (message, decision) in decisions)
        {
            messages++;
            right += IsRight(message, decision) ? 1 : 0;
            var answered = AnsweredFrom(decision);
            if (message.Kind == QuestionKinds.Answerable)
            {
                if (answered is null)
                {
                    needless++;
                }
                else if (message.Articles.Contains(answered, StringComparer.Ordinal))
                {
                    answeredRight++;
                }
                else
                {
                    answeredWrong++;
                }
            }
            else if (!decision.IsHandoff)
            {
                missed++;
                answeredWrong += answered is null ? 0 : 1;
            }
        }

        return new DecisionCounts(messages, right, answeredRight, answeredWrong, needless, missed);
    }

    /// <summary>The table the benchmark prints: one row per kind and one for all, on one split.</summary>
    public static string Table(string title, IReadOnlyList<(LabelledMessage Message, BotDecision Decision)> decisions)
    {
        var text = new StringBuilder().AppendLine(title);
        text.AppendLine("kind          messages  right   answered right  answered wrong  needless handoffs  missed handoffs");
        foreach (var kind in QuestionKinds.All.Append("all"))
        {
            var counts = Count(decisions.Where(d => kind == "all" || d.Message.Kind == kind));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-12}  {counts.Messages,8}  {counts.RightShare,5:F3}  {counts.AnsweredRight,14}  {counts.AnsweredWrong,14}  {counts.NeedlessHandoffs,17}  {counts.MissedHandoffs,15}"));
        }

        var all = Count(decisions);
        var answeredTotal = all.AnsweredRight + all.AnsweredWrong;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"wrong-article answers: {all.AnsweredWrong} of {answeredTotal} answered ({(answeredTotal == 0 ? 0 : 100.0 * all.AnsweredWrong / answeredTotal):F1} %)"));
        return text.ToString();
    }
}
