// Benchmarks print figures; they assert nothing.
// Usage: dotnet run -c Release --project bench/SupportRelay.Bench -- <name>|all
using SupportRelay.Bench;

var benchmarks = new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
{
    ["retrieval-quality"] = RetrievalBenchmarks.RunQualityAsync,
    ["retrieval-latency"] = RetrievalBenchmarks.RunLatencyAsync,
    ["retrieval-tune"] = RetrievalBenchmarks.RunTuningAsync,
    ["retrieval-scalingo"] = () => RetrievalBenchmarks.RunScalingoAsync(args.Skip(1).ToArray()),
    ["decisions"] = () => DecisionBenchmarks.RunAsync(args.Skip(1).ToArray()),
    ["decision-retrieval"] = DecisionRetrievalBenchmarks.RunAsync,
    ["decision-misses"] = DecisionMissBenchmarks.RunAsync,
    ["passages"] = () => { PassageBenchmarks.Run(); return Task.CompletedTask; },
    ["decisions-fit"] = () => DecisionFit.RunAsync(args.Skip(1).ToArray()),
    ["intents"] = () => IntentBenchmarks.RunAsync(args.Skip(1).ToArray()),
    ["intake"] = ServiceBenchmarks.RunIntakeAsync,
    ["webhook-to-reply"] = ServiceBenchmarks.RunEndToEndAsync,
    ["memory"] = ServiceBenchmarks.RunMemoryAsync,
    ["notification-latency"] = NotificationBenchmarks.RunLatencyAsync,
    ["notification-throughput"] = NotificationBenchmarks.RunThroughputAsync,
};

var name = args.Length > 0 ? args[0] : "all";
if (name == "all")
{
    foreach (var (benchmarkName, run) in benchmarks)
    {
        if (benchmarkName is not ("retrieval-tune" or "retrieval-scalingo" or "decisions-fit"))
        {
            Console.WriteLine($"== {benchmarkName}");
            await run();
        }
    }
    return 0;
}
if (!benchmarks.TryGetValue(name, out var benchmark))
{
    Console.Error.WriteLine($"unknown benchmark '{name}'; known: all, {string.Join(", ", benchmarks.Keys)}");
    return 2;
}
await benchmark();
return 0;
