namespace SupportRelay.Retrieval;

/// <summary>Retrieval constants the bot's options default to.</summary>
public static class RetrievalDefaults
{
    /// <summary>
    /// Below this <see cref="SearchHit.Confidence"/> of the best hit the bot hands off instead of
    /// answering. Measured with <c>bench retrieval-scalingo</c> (share of questions whose best hit
    /// passes): at 0.5, 70% of StackFAQ's deliberately reworded questions (75% of those ranked right,
    /// 49% of those ranked wrong), 19 of 20 plain Scalingo questions, and 1 of 12 off-topic ones on
    /// Scalingo ("what is the capital of Australia", through "capitalize"). 0.45 passes 77% of
    /// StackFAQ with the same off-topic leak; 0.6 hands off half of StackFAQ. With an LLM the model
    /// still says whether the articles answer, so the threshold only has to catch the plainly off-topic.
    /// </summary>
    public const double MinConfidence = 0.5;

    /// <summary>Weight of a term from earlier customer messages, relative to the question's (1).</summary>
    public const float ContextWeight = 0.25f;

    /// <summary>
    /// Weight of a context term in the confidence: enough that a follow-up on the same subject passes
    /// the threshold, too little for the context alone to carry a question on a new subject.
    /// </summary>
    public const double ContextConfidenceWeight = 0.5;
}
