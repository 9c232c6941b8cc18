namespace SupportRelay.Operations;

/// <summary>
/// A setting (ours or Chatwoot's) that is wrong, found while working: not an outage, which waiting cures, but
/// something an operator must change. <see cref="Id"/> is a low-cardinality word (a metric tag and a handoff
/// reason); <see cref="Scope"/> says what it concerns (a portal); <see cref="Detail"/> names what to fix.
/// </summary>
public sealed record ConfigurationProblem(string Id, string Scope, string Detail, DateTimeOffset Since);
