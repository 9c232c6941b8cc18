using System.Globalization;
using System.Text;

namespace SupportRelay.Bot;

/// <summary>How the messages of one kind and split were classified, counted.</summary>
internal sealed record IntentCounts(string Kind, string Split, int Messages, int Person, int PersonOnly, int Question, int Greeting)
{
    /// <summary>Taken for a person's job (<see cref="Intent.Person"/> or <see cref="Intent.PersonOnly"/>): handed off at once.</summary>
    public int HandedOff => Person + PersonOnly;

    /// <summary>Not a question: what counts against an answerable or not-covered message.</summary>
    public int NotQuestion => Person + PersonOnly + Greeting;

    public double Share(int count) => Messages == 0 ? 0 : (double)count / Messages;
}

/// <summary>
/// Scores the intent classifier alone on labelled messages (corpus/scalingo/QUESTIONS.md), shared by the intent
/// test and <c>bench -- intents</c> so both report the same figures. A <c>person</c> message should be
/// <see cref="Intent.Person"/>, a <c>person_only</c> one <see cref="Intent.PersonOnly"/> (or Person: handed off all
/// the same), and an answerable or not-covered one a <see cref="Intent.Question"/>.
/// </summary>
internal static class IntentEvaluation
{
    public static IntentCounts Count(string kind, string split, IEnumerable<(LabelledMessage Message, Intent Intent)> classified)
    {
        var intents = classified.Where(c => c.Message.Kind == kind && c.Message.Split == split).Select(c => c.Intent).ToList();
        return new IntentCounts(kind, split, intents.Count,
            intents.Count(i => i == Intent.Person),
            intents.Count(i => i == Intent.PersonOnly),
            intents.Count(i => i == Intent.Question),
            intents.Count(i => i is Intent.Greeting or Intent.Thanks));
    }

    /// <summary>Whether the classifier got this message right.</summary>
    public static bool IsRight(LabelledMessage message, Intent intent) => message.Kind switch
    {
        QuestionKinds.Person => intent == Intent.Person,
        QuestionKinds.PersonOnly => intent is Intent.PersonOnly or Intent.Person,
        _ => intent == Intent.Question,
    };

    /// <summary>The table the benchmark prints for one split: a row per kind, then the figures that matter.</summary>
    public static string Table(string title, string split, IReadOnlyList<(LabelledMessage Message, Intent Intent)> classified)
    {
        var text = new StringBuilder().AppendLine(title);
        text.AppendLine("kind          messages  person  person_only  question  greeting");
        foreach (var kind in QuestionKinds.All)
        {
            var c = Count(kind, split, classified);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-12}  {c.Messages,8}  {c.Person,6}  {c.PersonOnly,11}  {c.Question,8}  {c.Greeting,8}"));
        }

        var person = Count(QuestionKinds.Person, split, classified);
        var personOnly = Count(QuestionKinds.PersonOnly, split, classified);
        var answerable = Count(QuestionKinds.Answerable, split, classified);
        var notCovered = Count(QuestionKinds.NotCovered, split, classified);
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"person -> Person {person.Share(person.Person):F3}; person_only -> PersonOnly {personOnly.Share(personOnly.PersonOnly):F3}, handed off {personOnly.Share(personOnly.HandedOff):F3}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"not questions: answerable {answerable.NotQuestion} of {answerable.Messages} ({100 * answerable.Share(answerable.NotQuestion):F1} %, handed off {answerable.HandedOff}), not_covered {notCovered.NotQuestion} of {notCovered.Messages} (handed off {notCovered.HandedOff})"));
        return text.ToString();
    }
}
