using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SupportRelay.Storage;

namespace SupportRelay.Cli;

/// <summary>
/// <c>queue status|failed|retry</c>: what the durable queues hold, and a second chance for what failed
/// for good (say, Chatwoot was down longer than the retries last). Run it against the service's database,
/// with the service running or not.
/// </summary>
public static class QueueCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var command = new Command("queue", "Inspect the webhook inbox and the delivery outbox, and retry what failed for good.");
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Failed());
        command.Subcommands.Add(Retry());
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Print one JSON line per queue, state and kind, with its count.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = await OpenAsync(cancellationToken);
            foreach (var count in await host.Services.GetRequiredService<WorkQueue>().CountAsync(cancellationToken))
            {
                await WriteAsync(new { queue = Name(count.Queue), count.State, count.Kind, count.Count });
            }

            return 0;
        });
        return command;
    }

    private static Command Failed()
    {
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first.", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 10_000)
            {
                result.AddError("--limit must be between 1 and 10000.");
            }
        });
        var command = new Command("failed", "Print one JSON line per item that failed for good, with its last error.") { limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await OpenAsync(cancellationToken);
            foreach (var item in await host.Services.GetRequiredService<WorkQueue>().ListFailedAsync(parse.GetValue(limit), cancellationToken))
            {
                await WriteAsync(new { queue = Name(item.Queue), item.Id, item.Kind, item.Attempts, item.LastError, item.CreatedAt });
            }

            return 0;
        });
        return command;
    }

    private static Command Retry()
    {
        var ids = new Option<string[]>("--id") { Description = "An item to retry, as QUEUE:ID (e.g. outbox:12); repeat for several.", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Retry every failed item (of --queue and --kind, when given)." };
        var queue = new Option<string?>("--queue") { Description = "inbox or outbox, with --all." };
        queue.AcceptOnlyFromAmong("inbox", "outbox");
        var kind = new Option<string?>("--kind") { Description = "Only items of this kind (e.g. notification.handoff), with --all." };
        var command = new Command("retry", "Put failed items back in their queue, due now, with their attempts counted afresh. Prints {\"retried\": N}.")
        {
            ids, all, queue, kind,
        };
        command.Validators.Add(result =>
        {
            var given = result.GetValue(ids) is { Length: > 0 };
            if (given == result.GetValue(all))
            {
                result.AddError("Give --id QUEUE:ID (one or more) or --all, not both.");
            }
            else if (given && (result.GetValue(queue) is not null || result.GetValue(kind) is not null))
            {
                result.AddError("--queue and --kind go with --all.");
            }
            else if (given && result.GetValue(ids)!.FirstOrDefault(id => ParseId(id) is null) is { } bad)
            {
                result.AddError($"--id '{bad}' is not QUEUE:ID, e.g. outbox:12.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = await OpenAsync(cancellationToken);
            var work = host.Services.GetRequiredService<WorkQueue>();
            var retried = 0;
            if (parse.GetValue(all))
            {
                var only = parse.GetValue(queue) is { } name ? ParseQueue(name) : (WorkTable?)null;
                foreach (var table in Enum.GetValues<WorkTable>().Where(t => only is null || t == only))
                {
                    retried += await work.RetryFailedAsync(table, null, parse.GetValue(kind), cancellationToken);
                }
            }
            else
            {
                foreach (var group in parse.GetValue(ids)!.Select(id => ParseId(id)!.Value).GroupBy(id => id.Queue))
                {
                    retried += await work.RetryFailedAsync(group.Key, [.. group.Select(id => id.Id)], null, cancellationToken);
                }
            }

            await WriteAsync(new { retried });
            return 0;
        });
        return command;
    }

    private static async Task<Microsoft.Extensions.Hosting.IHost> OpenAsync(CancellationToken cancellationToken)
    {
        var host = CommandLineApp.BuildHost();
        try
        {
            await host.Services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static Task WriteAsync<T>(T line) => Console.Out.WriteLineAsync(JsonSerializer.Serialize(line, Json));

    private static string Name(WorkTable table) => table == WorkTable.Inbox ? "inbox" : "outbox";

    private static WorkTable? ParseQueue(string name) => name switch
    {
        "inbox" => WorkTable.Inbox,
        "outbox" => WorkTable.Outbox,
        _ => null,
    };

    private static (WorkTable Queue, long Id)? ParseId(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 2 && ParseQueue(parts[0]) is { } table
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? (table, id)
            : null;
    }
}
