using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Providers;

/// <summary>The <c>ProviderApi</c> configuration section: limits of the signed provider API.</summary>
public sealed class ProviderApiOptions : IValidatableObject
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

    /// <summary>Requests per minute one client address may make to the provider API.</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinutePerIp { get; set; } = 120;

    /// <summary>Test notifications per hour one provider may send (each may be a paid SMS), counted in the database.</summary>
    [Range(1, 10_000)]
    public int NotificationTestsPerHour { get; set; } = 10;

    /// <summary>
    /// Public keys (hex) the operator enrols by configuration. A key is a provider only once enrolled: listed
    /// here, given a contract (<c>PUT /api/v1/admin/contracts/{id}</c>), enrolled with
    /// <c>PUT /api/v1/admin/providers/{key}</c>, or named as <c>Bot:DefaultProviderPubkey</c>.
    /// </summary>
    public List<string> EnrolledProviders { get; set; } = [];

    /// <summary>
    /// Whether a new phone number or e-mail address gets a code to confirm before anything else is sent to it.
    /// Turn off only when the operator vets every provider's destinations; Telegram chats are always confirmed
    /// in the chat, and enrolment always applies.
    /// </summary>
    public bool VerifyDestinations { get; set; } = true;

    /// <summary>
    /// This service's public base URL (e.g. <c>https://relay.example.com</c>), for the confirmation link in
    /// verification e-mails; unset, the e-mail carries only the code.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>How long a verification code, an e-mail link or a chat's "Link this chat" button stays valid.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan VerificationLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Wrong guesses of a code before it is spent (a new code must then be asked for).</summary>
    [Range(1, 20)]
    public int MaxCodeAttempts { get; set; } = 5;

    /// <summary>
    /// Countries (ISO 3166 region codes, e.g. <c>CH</c>, <c>DE</c>) whose numbers may receive SMS; empty: any country.
    /// Premium-rate, shared-cost and other numbers that are not mobile are refused whatever this says.
    /// </summary>
    public List<string> SmsCountries { get; set; } = [];

    /// <summary>Verification codes, chat confirmations and test notifications one destination may receive per day.</summary>
    [Range(1, 1_000)]
    public int MessagesPerDestinationPerDay { get; set; } = 5;

    /// <summary>Verification codes, chat confirmations and test notifications all providers together may cause per hour.</summary>
    [Range(1, 1_000_000)]
    public int MessagesPerHour { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var key in EnrolledProviders.Where(k => !RequestSignature.TryParseHex(k, RequestSignature.PublicKeyLength, out _)))
        {
            yield return new ValidationResult($"ProviderApi:EnrolledProviders: '{key}' is not a public key (64 hex characters).", [nameof(EnrolledProviders)]);
        }

        var regions = PhoneNumbers.PhoneNumberUtil.GetInstance().GetSupportedRegions();
        foreach (var country in SmsCountries.Where(c => !regions.Contains(c.ToUpperInvariant())))
        {
            yield return new ValidationResult($"ProviderApi:SmsCountries: '{country}' is not a region code like CH or DE.", [nameof(SmsCountries)]);
        }
    }

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

    /// <summary>Requests per minute one client address may make to the admin API (a budget of its own, apart from the providers').</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinutePerIp { get; set; } = 60;
}
