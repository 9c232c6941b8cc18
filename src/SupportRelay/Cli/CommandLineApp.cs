using SupportRelay.Providers;

namespace SupportRelay.Cli;

/// <summary>The command line: every verb but <c>serve</c>, which is the web host itself.</summary>
public static class CommandLineApp
{
    private static readonly string[] Verbs = ["migrate", "setup", "search", "ask", "provider", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] == "provider")
        {
            return await new System.CommandLine.RootCommand { ProviderCommands.Create() }.Parse(args).InvokeAsync();
        }

        return 0;
    }
}
