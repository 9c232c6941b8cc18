using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Notifications;

/// <summary>The <c>Notifications</c> configuration section: what a handoff notification says.</summary>
public sealed class NotificationsOptions : IValidatableObject
{
    public const string SectionName = "Notifications";

    /// <summary>Customer messages quoted when no LLM writes the summary.</summary>
    [Range(1, 20)]
    public int SummaryMessages { get; set; } = 3;

    /// <summary>Longest summary, in UTF-16 code units (each channel cuts further to its own limit).</summary>
    [Range(100, 3500)]
    public int MaxSummaryLength { get; set; } = 1200;

    /// <summary>Whether the configured LLM (<c>Llm:Provider</c>) writes the summary.</summary>
    public bool UseLlmSummary { get; set; } = true;

    /// <summary>How long the LLM summary may take before the last customer messages are used instead.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan SummaryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Handoff notifications one provider gets per hour, each on its own; past it the handoffs of the hour come
    /// in one digest at the hour's end (a flood of conversations must not become a flood of paid SMS).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxHandoffsPerProviderPerHour { get; set; } = 20;

    /// <summary>SMS are cut to fit in this many segments (each costs money).</summary>
    [Range(1, 10)]
    public int MaxSmsSegments { get; set; } = 3;

    /// <summary>
    /// How often the open conversations are listed from Chatwoot to catch handoffs whose account webhook was
    /// lost (Chatwoot never retries them). Zero turns it off; it also needs <c>Chatwoot:ApiAccessToken</c>
    /// and <c>Chatwoot:AccountId</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Only conversations with activity this recent are reconciled (older ones were handled, or are not news).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ReconcileWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Pages of open conversations read per round (Chatwoot lists 25 a page, most recent activity first).</summary>
    [Range(1, 200)]
    public int ReconcileMaxPages { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReconcileInterval > TimeSpan.Zero && ReconcileInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Notifications:ReconcileInterval must be 00:00:00 (off) or at least one second.", [nameof(ReconcileInterval)]);
        }
    }
}
