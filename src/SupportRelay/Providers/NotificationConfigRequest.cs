using System.Text.Json;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace SupportRelay.Providers;

/// <summary>The body of <c>PUT /api/v1/providers/me/notification-config</c>, as clients send it.</summary>
public sealed record NotificationConfigRequest(
    string? ChatwootPortalSlug,
    string NotifyVia,
    long? TelegramChatId,
    string? NotifyPhone,
    string? NotifyEmail);


/// <summary>
/// Validates the config body from the raw JSON rather than through model binding, so that a wrong
/// type or an unknown field is reported under its own name instead of as an unreadable body.
/// </summary>
public static partial class NotificationConfigValidator
{
    public const int MaxSlugLength = 100;
    public const int MaxEmailLength = 254;

    /// <summary>Refuses a field given twice: which copy wins differs between parsers, so neither should.</summary>
    public static JsonDocumentOptions NoDuplicateFields { get; } = new() { AllowDuplicateProperties = false };

    private static readonly string[] Fields = ["chatwootPortalSlug", "notifyVia", "telegramChatId", "notifyPhone", "notifyEmail"];

    public static (NotificationConfigRequest? Request, Dictionary<string, string[]> Errors) Validate(JsonElement root, IReadOnlyCollection<string> smsCountries)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return (null, errors);
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                errors[property.Name] = [$"Unknown field '{Truncate(property.Name)}'; the fields are {string.Join(", ", Fields)} (camelCase)."];
            }
        }

        var slug = OptionalString(root, "chatwootPortalSlug", errors);
        if (slug is not null && (slug.Length > MaxSlugLength || !SlugPattern().IsMatch(slug)))
        {
            errors["chatwootPortalSlug"] = [$"Must be a Chatwoot portal slug: lower-case letters, digits and single hyphens or underscores between them, at most {MaxSlugLength} characters."];
        }

        NotificationChannel? channel = null;
        var via = OptionalString(root, "notifyVia", errors);
        if (via is null && !errors.ContainsKey("notifyVia"))
        {
            errors["notifyVia"] = ["Required: one of telegram, sms, email."];
        }
        else if (via is not null)
        {
            channel = NotificationChannels.Parse(via);
            if (channel is null)
            {
                errors["notifyVia"] = [$"'{Truncate(via)}' is not a channel; use one of telegram, sms, email."];
            }
        }

        long? chatId = null;
        if (root.TryGetProperty("telegramChatId", out var chat) && chat.ValueKind != JsonValueKind.Null)
        {
            // Telegram chat ids are signed 64-bit integers (negative for groups), never 0.
            if (chat.ValueKind != JsonValueKind.Number || !chat.TryGetInt64(out var id))
            {
                errors["telegramChatId"] = ["Must be an integer (a Telegram chat id), or null."];
            }
            else if (id == 0)
            {
                errors["telegramChatId"] = ["0 is not a Telegram chat id."];
            }
            else
            {
                chatId = id;
            }
        }

        var phone = OptionalString(root, "notifyPhone", errors);
        if (phone is not null && PhoneProblem(phone, smsCountries) is { } phoneProblem)
        {
            errors["notifyPhone"] = [phoneProblem];
        }

        var email = OptionalString(root, "notifyEmail", errors);
        if (email is not null && !IsEmail(email))
        {
            errors["notifyEmail"] = [$"Must be a plain ASCII e-mail address like name@example.com, at most {MaxEmailLength} characters."];
        }

        if (channel == NotificationChannel.Sms && phone is null && !errors.ContainsKey("notifyPhone"))
        {
            errors["notifyPhone"] = ["Required when notifyVia is sms."];
        }

        if (channel == NotificationChannel.Email && email is null && !errors.ContainsKey("notifyEmail"))
        {
            errors["notifyEmail"] = ["Required when notifyVia is email."];
        }

        return errors.Count > 0 ? (null, errors) : (new NotificationConfigRequest(slug, via!, chatId, phone, email), errors);
    }

    /// <summary>
    /// Why the number cannot receive our SMS, or null when it can: it must be a valid E.164 number, a mobile one
    /// (premium-rate, shared-cost, toll-free and other numbers that cost the operator money or cannot take an
    /// SMS are refused, by libphonenumber's number types), of a country the operator allows when it restricts them.
    /// </summary>
    public static string? PhoneProblem(string phone, IReadOnlyCollection<string> allowedCountries)
    {
        const string Invalid = "Must be a valid mobile phone number in E.164 form, e.g. +41791234567 ('+', country code, number, no spaces).";
        // The regex first: libphonenumber would otherwise accept spaces, punctuation and non-ASCII digits.
        if (!E164Pattern().IsMatch(phone))
        {
            return Invalid;
        }

        var util = PhoneNumberUtil.GetInstance();
        PhoneNumber number;
        try
        {
            number = util.Parse(phone, null);
        }
        catch (NumberParseException)
        {
            return Invalid;
        }

        if (!util.IsValidNumber(number))
        {
            return Invalid;
        }

        var type = util.GetNumberType(number);
        if (type is not (PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE))
        {
            var kind = type switch
            {
                PhoneNumberType.PREMIUM_RATE => "a premium-rate number",
                PhoneNumberType.SHARED_COST => "a shared-cost number",
                PhoneNumberType.TOLL_FREE => "a toll-free number",
                PhoneNumberType.FIXED_LINE => "a landline number",
                PhoneNumberType.VOIP => "a VoIP number",
                PhoneNumberType.PAGER => "a pager number",
                PhoneNumberType.UAN or PhoneNumberType.PERSONAL_NUMBER or PhoneNumberType.VOICEMAIL => "a special-service number",
                _ => "a number of unknown type",
            };
            return $"Must be a mobile number that can receive SMS; this is {kind}.";
        }

        var region = util.GetRegionCodeForNumber(number);
        if (allowedCountries.Count > 0 && !allowedCountries.Contains(region, StringComparer.OrdinalIgnoreCase))
        {
            return $"SMS to numbers of {region} are not allowed here; the operator allows {string.Join(", ", allowedCountries.Select(c => c.ToUpperInvariant()))}.";
        }

        return null;
    }

    public static bool IsEmail(string email) =>
        email.Length <= MaxEmailLength && EmailPattern().IsMatch(email) && email.Split('@')[0].Length <= 64;

    private static string? OptionalString(JsonElement root, string name, Dictionary<string, string[]> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = [$"Must be a string, or null; got {value.ValueKind.ToString().ToLowerInvariant()}."];
            return null;
        }

        return value.GetString();
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"^[a-z0-9]+(?:[-_][a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164Pattern();

    // \z, not $: $ also matches before a trailing newline.
    // Deliberately narrower than RFC 5322: ASCII only (not every SMTP relay speaks SMTPUTF8), no
    // quoting or comments, a dotted domain. What it accepts, every mail system delivers.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
