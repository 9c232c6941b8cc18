using SupportRelay.Retrieval;

namespace SupportRelay.Answering;

/// <summary>One earlier message of the conversation, as the bot saw it.</summary>
public sealed record HistoryMessage(string Role, string Content);

/// <param name="Locale">The articles' locale.</param>
/// <param name="CustomerLanguage">The language to answer in: the question's detected language, else the
/// conversation's locale, else null (the model follows the question).</param>
public sealed record AnswerRequest(string Question, IReadOnlyList<HistoryMessage> History, IReadOnlyList<SearchHit> Hits, string Locale,
    string? CustomerLanguage = null);

/// <summary>
/// The answer: <see cref="Answered"/> false means the articles do not answer the question and the
/// conversation goes to a person. <see cref="SourceIds"/> are the articles the answer used.
/// </summary>
public sealed record AnswerResult(bool Answered, string Text, IReadOnlyList<string> SourceIds);

/// <summary>Writes the answer from retrieved articles: an LLM, or an extractive passage without one.</summary>
public interface IAnswerGenerator
{
    /// <summary>True when answering calls a model (so it can be slow, fail or time out).</summary>
    bool UsesModel { get; }

    Task<AnswerResult> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken);
}

/// <summary>Without an LLM: the most relevant passage of the best article.</summary>
public sealed class ExtractiveAnswerGenerator : IAnswerGenerator
{
    public const int MaxPassageLength = 900;

    public bool UsesModel => false;

    public Task<AnswerResult> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        if (request.Hits.Count == 0)
        {
            return Task.FromResult(new AnswerResult(false, "", []));
        }

        var best = request.Hits[0].Article;
        var passage = PassageExtractor.Best(best, request.Question, request.Locale, MaxPassageLength);
        if (string.IsNullOrWhiteSpace(passage))
        {
            return Task.FromResult(new AnswerResult(false, "", []));
        }

        // The passage speaks for itself, in the article's language; the sources that follow name the article.
        return Task.FromResult(new AnswerResult(true, passage, [best.Id]));
    }
}
