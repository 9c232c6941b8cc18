namespace SupportRelay.Tests.Infrastructure;

/// <summary>
/// The sample corpora that ship in the repository's <c>corpus/</c> folder (see its README for their
/// sources and licences). The test and benchmark projects copy the folder next to their binaries, so
/// the paths hold wherever the program runs from. The benchmark project compiles this same file.
/// </summary>
internal static class CorpusPaths
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "corpus");

    public static string StackFaqArticles => Path.Combine(Root, "stackfaq", "faqs.jsonl");

    public static string StackFaqQuestions => Path.Combine(Root, "stackfaq", "queries.jsonl");

    public static string ScalingoArticles => Path.Combine(Root, "scalingo", "articles.jsonl");

    /// <summary>Labelled customer messages over the Scalingo articles (corpus/scalingo/QUESTIONS.md).</summary>
    public static string ScalingoQuestions => Path.Combine(Root, "scalingo", "questions.jsonl");
}
