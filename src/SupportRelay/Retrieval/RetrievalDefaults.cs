namespace SupportRelay.Retrieval;

/// <summary>Retrieval constants the bot's options default to.</summary>
public static class RetrievalDefaults
{
    /// <summary>
    /// Below this <see cref="SearchHit.Confidence"/> of the best hit the bot hands off instead of
    /// answering. Measured with <c>bench retrieval-quality</c>: see the figures there.
    /// </summary>
    public const double MinConfidence = 0.45;

    /// <summary>Weight of a term from earlier customer messages, relative to the question's (1).</summary>
    public const float ContextWeight = 0.25f;
}
