using System.Text.Json.Serialization;

namespace SupportRelay.Bot;

/// <summary>What the bot decided for one customer message, and why; stored for analytics.</summary>
public sealed record BotDecision(
    string Outcome,
    string Reason,
    string? Reply,
    string? Answer = null,
    IReadOnlyList<string>? Sources = null)
{
    public const string Answered = "answered";
    public const string Handoff = "handoff";
    public const string Greeting = "greeting";

    public bool IsHandoff => Outcome == Handoff;

    public IReadOnlyList<string> ArticleIds { get; init; } = [];

    public IReadOnlyList<double> Scores { get; init; } = [];

    public double? TopScore { get; init; }

    public bool UsedModel { get; init; }

    public string? ProviderPubkey { get; init; }

    public string? ContractId { get; init; }

    public string? PortalSlug { get; init; }

    public string? Locale { get; init; }

    public long ElapsedMs { get; init; }

    public static BotDecision Silent(string outcome, string reason) => new(outcome, reason, null);
}

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<double>))]
internal sealed partial class BotJsonContext : JsonSerializerContext;
