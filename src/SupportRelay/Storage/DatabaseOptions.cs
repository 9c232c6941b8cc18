using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Storage;

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>sqlite</c> (default, one machine) or <c>postgres</c> (several replicas).</summary>
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Database:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>How long a replica owns a claimed work item before another may take it over.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long storing a webhook may wait for the database before the sender is told to retry (503). Well
    /// under Chatwoot's 5-second delivery timeout: an answer Chatwoot never sees counts as a failed delivery.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:04")]
    public TimeSpan IntakeTimeout { get; set; } = TimeSpan.FromSeconds(2.5);
}
