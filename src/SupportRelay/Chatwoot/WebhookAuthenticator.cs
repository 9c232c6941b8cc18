using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

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
/// with <c>X-Chatwoot-Timestamp</c> (Chatwoot 4.11.2+ account webhooks, 4.13+ agent bots), or for older
/// Chatwoot that cannot sign, the shared secret as <c>?token=</c> in the webhook URL. Every comparison
/// is constant-time.
/// </summary>
public sealed class WebhookAuthenticator(IOptionsMonitor<ChatwootOptions> options, TimeProvider time)
{
    public WebhookRejection Authenticate(string? signature, string? timestamp, string? token, ReadOnlySpan<byte> body)
    {
        // Chatwoot gives the agent bot and each account webhook a secret of its own, so several may be configured.
        var secrets = (options.CurrentValue.WebhookSecret ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (secrets.Length == 0)
        {
            return WebhookRejection.NotConfigured;
        }

        if (!string.IsNullOrEmpty(signature))
        {
            return VerifySignature(secrets, signature, timestamp, body);
        }

        if (!string.IsNullOrEmpty(token))
        {
            // Hashing first makes the comparison constant-time whatever the lengths.
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            var match = false;
            foreach (var secret in secrets)
            {
                match |= CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
            }

            return match ? WebhookRejection.None : WebhookRejection.BadToken;
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
