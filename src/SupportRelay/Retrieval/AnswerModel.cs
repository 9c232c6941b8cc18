using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportRelay.Retrieval;

/// <summary>The two operating points of the answer decision: probabilities above which the bot answers.</summary>
/// <param name="WithoutModel">Extractive answers, no LLM to judge: precision first, the passage must be from the right article.</param>
/// <param name="WithModel">An LLM reads the articles and may still say "not answered": recall first, keep nothing plausible from it.</param>
public sealed record AnswerThresholds(
    [property: JsonPropertyName("withoutModel")] double WithoutModel,
    [property: JsonPropertyName("withModel")] double WithModel);

/// <summary>The learned ranker, the answer decision and its thresholds, for one kind of candidate signals.</summary>
public sealed record AnswerModelVariant(
    [property: JsonPropertyName("ranker")] LogisticModel Ranker,
    [property: JsonPropertyName("decision")] LogisticModel Decision,
    [property: JsonPropertyName("thresholds")] AnswerThresholds Thresholds);

/// <summary>The coefficients file (<c>models/decision/coefficients.json</c>), as <c>bench -- decisions-fit</c> writes it.</summary>
public sealed record AnswerModelFile(
    [property: JsonPropertyName("bm25")] AnswerModelVariant Bm25,
    [property: JsonPropertyName("hybrid")] AnswerModelVariant Hybrid,
    [property: JsonPropertyName("fitted")] string Fitted);

/// <summary>The reranked candidates of a question and the probability that the best of them answers it.</summary>
public sealed record AnswerAssessment(IReadOnlyList<SearchHit> Ranked, double Probability, AnswerThresholds Thresholds);

/// <summary>
/// The calibrated answer decision. A logistic ranker orders the candidate articles by the signals of BM25 and,
/// when embeddings ran, of meaning (<see cref="AnswerFeatures"/>); a second logistic model turns the best
/// candidate's standing (its ranker score, its margin over the next, its coverage, the question's form) into the
/// probability that it answers the question. Both were fitted offline on the tuning half of
/// <c>corpus/scalingo/questions.jsonl</c> (<c>bench -- decisions-fit</c>, figures in <c>models/decision/README.md</c>);
/// the held-out half measures them. The same model serves the service and <c>ask</c>.
/// </summary>
public sealed class AnswerModel(AnswerModelFile file)
{
    public const string ResourceName = "SupportRelay.AnswerModel.json";

    public AnswerModelFile File { get; } = file;

    /// <summary>The coefficients shipped in the assembly, or null when the build has none.</summary>
    public static AnswerModel? LoadEmbedded()
    {
        using var stream = typeof(AnswerModel).Assembly.GetManifestResourceStream(ResourceName);
        return stream is null ? null : new AnswerModel(JsonSerializer.Deserialize(stream, AnswerModelJsonContext.Default.AnswerModelFile)
            ?? throw new InvalidDataException("The answer model's coefficients are empty."));
    }

    public AnswerModelVariant VariantFor(RankedCandidates candidates) => candidates?.HasSemantic == true ? File.Hybrid : File.Bm25;

    /// <summary>The candidates ordered by the ranker, best first; each hit's score is its ranker logit and its confidence the ranker's probability.</summary>
    public IReadOnlyList<SearchHit> Rank(RankedCandidates candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var variant = VariantFor(candidates);
        return [.. candidates.Hits
            .Select(hit => (Hit: hit, Logit: variant.Ranker.Logit(AnswerFeatures.Ranker(hit, candidates.Hits, candidates.HasSemantic))))
            .OrderByDescending(h => h.Logit)
            .Select(h => h.Hit with { Score = h.Logit, Confidence = LogisticModel.Sigmoid(h.Logit) })];
    }

    /// <summary>Ranks the candidates and estimates how likely the best one answers <paramref name="question"/>.</summary>
    public AnswerAssessment Assess(string question, RankedCandidates candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var variant = VariantFor(candidates);
        var ranked = Rank(candidates);
        if (ranked.Count == 0)
        {
            return new AnswerAssessment(ranked, 0, variant.Thresholds);
        }

        var row = AnswerFeatures.Decision(question, ranked, [.. ranked.Select(h => h.Score)], candidates.HasSemantic);
        return new AnswerAssessment(ranked, variant.Decision.Probability(row), variant.Thresholds);
    }
}

[JsonSerializable(typeof(AnswerModelFile))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class AnswerModelJsonContext : JsonSerializerContext;
