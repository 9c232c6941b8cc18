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

/// <summary>A provider's notification config as the API answers it.</summary>
public sealed record NotificationConfigResponse(
    string ProviderPubkey,
    string? ChatwootPortalSlug,
    string NotifyVia,
    long? TelegramChatId,
    string? NotifyPhone,
    string? NotifyEmail,
    DateTimeOffset UpdatedAt)
{
    public static NotificationConfigResponse From(NotificationConfig config) => new(
        config.ProviderPubkey, config.ChatwootPortalSlug, ProviderStore.ChannelName(config.NotifyVia),
        config.TelegramChatId, config.NotifyPhone, config.NotifyEmail, config.UpdatedAt);
}

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

    public static (NotificationConfigRequest? Request, Dictionary<string, string[]> Errors) Validate(JsonElement root)
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
            channel = ProviderStore.ParseChannel(via);
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
        if (phone is not null && !IsE164(phone))
        {
            errors["notifyPhone"] = ["Must be a valid phone number in E.164 form, e.g. +41446681800 ('+', country code, number, no spaces)."];
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

    public static bool IsE164(string phone)
    {
        // The regex first: libphonenumber would otherwise accept spaces, punctuation and non-ASCII digits.
        if (!E164Pattern().IsMatch(phone))
        {
            return false;
        }

        try
        {
            return PhoneNumberUtil.GetInstance().IsValidNumber(PhoneNumberUtil.GetInstance().Parse(phone, null));
        }
        catch (NumberParseException)
        {
            return false;
        }
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
