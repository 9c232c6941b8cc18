namespace SupportRelay.Retrieval;

/// <summary>Retrieval constants the bot's options default to.</summary>
public static class RetrievalDefaults
{
    /// <summary>
    /// Below this <see cref="SearchHit.Confidence"/> of the best hit the bot hands off instead of
    /// answering. Measured with <c>bench retrieval-quality</c> (share of questions whose best hit
    /// passes): at 0.5, 68% of StackFAQ's deliberately reworded questions (74% of those ranked
    /// right, 47% of those ranked wrong), 19 of 20 plain Scalingo questions, and none of 12
    /// off-topic ones on Scalingo (the highest, "what is the capital of Australia", scores 0.45
    /// through "capitalize"; the weather and pizza questions 0.24 and 0). 0.45 would pass 76% of
    /// StackFAQ but let that off-topic question through; 0.6 would hand off half of StackFAQ.
    /// </summary>
    public const double MinConfidence = 0.5;

    /// <summary>Weight of a term from earlier customer messages, relative to the question's (1).</summary>
    public const float ContextWeight = 0.25f;
}
