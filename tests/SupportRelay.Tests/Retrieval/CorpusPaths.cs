namespace SupportRelay.Tests.Retrieval;

/// <summary>
/// Finds the shared corpora by walking up from the test binaries to a folder holding
/// <c>shared/corpus</c>: /work/shared on the development machine, <c>../shared</c> beside the
/// repository in CI.
/// </summary>
internal static class CorpusPaths
{
    private const string Marker = "shared/corpus/stackfaq/faqs.jsonl";

    private static readonly Lazy<string> Root = new(FindRoot);

    public static string StackFaqArticles => Path.Combine(Root.Value, "stackfaq", "faqs.jsonl");

    public static string StackFaqQuestions => Path.Combine(Root.Value, "stackfaq", "queries.jsonl");

    public static string ScalingoArticles => Path.Combine(Root.Value, "scalingo", "articles.jsonl");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, Marker)))
            {
                return Path.Combine(directory.FullName, "shared", "corpus");
            }
            // The repository root's sibling: CI clones the repository next to shared/.
            if (directory.Parent is { } parent && File.Exists(Path.Combine(parent.FullName, Marker)))
            {
                return Path.Combine(parent.FullName, "shared", "corpus");
            }
        }
        throw new FileNotFoundException($"no {Marker} above {AppContext.BaseDirectory}");
    }
}
