namespace SupportRelay.Bench;

/// <summary>
/// Finds the shared corpora: a <c>shared/corpus</c> folder in the working directory's or the
/// program's ancestors (the repository is cloned next to <c>shared/</c>).
/// </summary>
internal static class CorpusPaths
{
    public static string StackFaqArticles => Find("stackfaq/faqs.jsonl");

    public static string StackFaqQuestions => Find("stackfaq/queries.jsonl");

    public static string ScalingoArticles => Find("scalingo/articles.jsonl");

    private static string Find(string relative)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "shared", "corpus", relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new FileNotFoundException($"shared/corpus/{relative} not found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}");
    }
}
