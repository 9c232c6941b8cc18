using System.CommandLine;
using Microsoft.Extensions.Logging.Console;
using SupportRelay.Storage;
using SupportRelay.Providers;
using SupportRelay.Retrieval;

namespace SupportRelay.Cli;

/// <summary>
/// The command line: every verb but <c>serve</c>, which is the web host itself. Results go to stdout,
/// logs to stderr. Commands read the same configuration as the service (appsettings.json, environment).
/// </summary>
public static class CommandLineApp
{
    private static readonly string[] Verbs = ["migrate", "setup", "search", "ask", "provider", "queue", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("SupportRelay: a Chatwoot support bot and human-handoff bridge. Without a command it serves (see README).");
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(SetupCommands.Create());
        root.Subcommands.Add(AnswerCommands.Search());
        root.Subcommands.Add(AnswerCommands.Ask());
        root.Subcommands.Add(ProviderCommands.Create());
        root.Subcommands.Add(QueueCommands.Create());
        return root.Parse(args).InvokeAsync();
    }

    /// <summary>A host with the service's configuration and core services, logging to stderr.</summary>
    /// <param name="settings">Configuration that overrides the files and the environment (benchmarks compare settings side by side).</param>
    public static IHost BuildHost(Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, Args = [] });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Services.Configure<ConsoleFormatterOptions>(o => o.TimestampFormat = "HH:mm:ss ");
        builder.Services.AddSupportRelayCore();
        // A command answers once and is not a customer waiting: it waits for the articles' embeddings.
        builder.Services.Configure<RetrievalOptions>(o => o.IndexingWait = TimeSpan.FromHours(1));
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply database migrations and exit.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = BuildHost();
            var applied = await host.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            await Console.Out.WriteLineAsync($"{{\"applied\": {applied}}}");
            return 0;
        });
        return command;
    }
}
