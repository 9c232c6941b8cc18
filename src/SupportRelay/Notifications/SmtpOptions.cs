using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Notifications;

/// <summary>The <c>Smtp</c> configuration section (email).</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>SupportRelay &lt;relay@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>True (default): TLS, implicit on port 465 and STARTTLS (required) elsewhere. False: plain SMTP, for a relay on a private network.</summary>
    public bool UseTls { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(From);
}
