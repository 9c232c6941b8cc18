using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Notifications;

/// <summary>The <c>Notifications</c> configuration section: what a handoff notification says.</summary>
public sealed class NotificationsOptions
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

    /// <summary>SMS are cut to fit in this many segments (each costs money).</summary>
    [Range(1, 10)]
    public int MaxSmsSegments { get; set; } = 3;
}
