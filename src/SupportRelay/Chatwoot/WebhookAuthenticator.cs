using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SupportRelay.Text;

namespace SupportRelay.Chatwoot;

/// <summary>Why a webhook was refused; <see cref="None"/> when it was accepted.</summary>
public enum WebhookRejection
{
    None,
    NotConfigured,
    MissingCredentials,
    MalformedSignature,
    StaleTimestamp,
    BadSignature,
    BadToken,
}

/// <summary>
/// Chatwoot's webhook authentication: <c>X-Chatwoot-Signature: sha256=HMAC(secret, "{ts}.{body}")</c>
/// with <c>X-Chatwoot-Timestamp</c> (Chatwoot 4.12.0+ account webhooks, 4.13.0+ agent bots), or for older
/// Chatwoot that cannot sign, the shared secret as <c>?token=</c> in the webhook URL. A valid token is enough
/// whatever signature headers come with it: from those versions Chatwoot signs every delivery with a secret it
/// generated itself on upgrade, which an install set up with <c>?token=</c> does not know. Every comparison is
/// constant-time.
/// </summary>
public sealed class WebhookAuthenticator(IOptionsMonitor<ChatwootOptions> options, TimeProvider time)
{
    /// <summary>How a webhook was authenticated, or why it was refused.</summary>
    public WebhookRejection Authenticate(string? signature, string? timestamp, string? token, ReadOnlySpan<byte> body) =>
        Authenticate(signature, timestamp, token, body, out _);

    /// <param name="bySignature">True when the signature (not the token) authenticated it: then its signature may be replayed, and is remembered.</param>
    public WebhookRejection Authenticate(string? signature, string? timestamp, string? token, ReadOnlySpan<byte> body, out bool bySignature)
    {
        bySignature = false;
        // Chatwoot gives the agent bot and each account webhook a secret of its own, so several may be configured.
        var secrets = (options.CurrentValue.WebhookSecret ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (secrets.Length == 0)
        {
            return WebhookRejection.NotConfigured;
        }

        if (!string.IsNullOrEmpty(token))
        {
            var tokenMatches = secrets.Aggregate(false, (match, secret) => match | SecretComparison.Matches(token, secret));
            if (tokenMatches || string.IsNullOrEmpty(signature))
            {
                return tokenMatches ? WebhookRejection.None : WebhookRejection.BadToken;
            }
        }

        if (!string.IsNullOrEmpty(signature))
        {
            var rejection = VerifySignature(secrets, signature, timestamp, body);
            bySignature = rejection == WebhookRejection.None;
            return rejection;
        }

        return WebhookRejection.MissingCredentials;
    }

    private WebhookRejection VerifySignature(string[] secrets, string signature, string? timestamp, ReadOnlySpan<byte> body)
    {
        const string Prefix = "sha256=";
        if (!signature.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(timestamp)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookRejection.MalformedSignature;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signature.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return WebhookRejection.MalformedSignature;
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (age.Duration() > options.CurrentValue.SignatureTolerance)
        {
            return WebhookRejection.StaleTimestamp;
        }

        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var match = false;
        foreach (var secret in secrets)
        {
            match |= CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed), given);
        }

        return match ? WebhookRejection.None : WebhookRejection.BadSignature;
    }

    /// <summary>Signs a body the way Chatwoot does; used by tests, benchmarks and fakes.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
