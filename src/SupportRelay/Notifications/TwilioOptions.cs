using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Notifications;

/// <summary>The <c>Twilio</c> configuration section (SMS).</summary>
public sealed class TwilioOptions
{
    public const string SectionName = "Twilio";

    [RegularExpression("^AC[A-Za-z0-9]+$", ErrorMessage = "Twilio:AccountSid starts with AC.")]
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sending number (E.164) or a Messaging Service SID (<c>MG...</c>).</summary>
    [RegularExpression(@"^(\+[1-9][0-9]{6,14}|MG[A-Za-z0-9]+)$", ErrorMessage = "Twilio:From must be an E.164 number (+15551234567) or a Messaging Service SID (MG...).")]
    public string? From { get; set; }

    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.twilio.com");

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken) && !string.IsNullOrWhiteSpace(From);
}
