using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Providers;

/// <summary>The <c>ProviderApi</c> configuration section: limits of the signed provider API.</summary>
public sealed class ProviderApiOptions
{
    public const string SectionName = "ProviderApi";

    /// <summary>How far a request's timestamp may be from our clock (docs/design.md: ±5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest body the authentication handler reads; larger requests get 413.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Requests per minute one provider key may make.</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinutePerKey { get; set; } = 60;

    /// <summary>Requests per minute one client address may make to the provider and admin APIs.</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinutePerIp { get; set; } = 120;

    /// <summary>Test notifications per hour one provider key may send (each may be a paid SMS).</summary>
    [Range(1, 10_000)]
    public int NotificationTestsPerHour { get; set; } = 10;

    /// <summary>How long a Telegram link code stays valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan TelegramLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>The <c>Admin</c> configuration section.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>The operator's bearer token; while empty the admin API answers 404.</summary>
    // A regular expression rather than MinLength: it lets an empty value (the API off) through.
    [RegularExpression("^.{16,}$", ErrorMessage = "Admin:ApiToken must be at least 16 characters; leave it empty to turn the admin API off.")]
    public string? ApiToken { get; set; }
}
