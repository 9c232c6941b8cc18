using System.Collections.Concurrent;

namespace SupportRelay.Operations;

/// <summary>
/// The configuration problems this replica knows of now, for <c>/readyz</c>, the log and
/// <c>supportrelay_configuration_errors_total{problem}</c>. A problem is reported each time it is met (counted
/// each time, logged when it first appears or changes) and cleared when the same work succeeds again. Per
/// replica, like the article cache whose fetches find them.
/// </summary>
public sealed partial class ConfigurationProblems(TimeProvider time, SupportRelayMetrics metrics, ILogger<ConfigurationProblems> logger)
{
    private readonly ConcurrentDictionary<string, ConfigurationProblem> _problems = new(StringComparer.Ordinal);

    public IReadOnlyList<ConfigurationProblem> Current => [.. _problems.Values.OrderBy(p => p.Scope, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal)];

    /// <summary>The problem now known for <paramref name="scope"/>, if any.</summary>
    public ConfigurationProblem? Find(string scope) => _problems.TryGetValue(scope, out var problem) ? problem : null;

    public void Report(string id, string scope, string detail)
    {
        metrics.ConfigurationError(id);
        var fresh = new ConfigurationProblem(id, scope, detail, time.GetUtcNow());
        var stored = _problems.AddOrUpdate(scope, fresh, (_, known) => known.Id == id && known.Detail == detail ? known : fresh);
        if (ReferenceEquals(stored, fresh))
        {
            LogProblem(id, scope, detail);
        }
    }

    /// <summary>The work of <paramref name="scope"/> succeeded: whatever was wrong there is fixed.</summary>
    public void Clear(string scope)
    {
        if (_problems.TryRemove(scope, out var known))
        {
            LogCleared(known.Id, scope);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration problem {Problem} ({Scope}): {Detail}")]
    private partial void LogProblem(string problem, string scope, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Configuration problem {Problem} ({Scope}) is resolved")]
    private partial void LogCleared(string problem, string scope);
}
