using System.Globalization;
using Org.BouncyCastle.Crypto.Parameters;

namespace SupportRelay.Providers;

/// <summary>Why a signed request was refused; <see cref="Code"/> is stable for clients to match on.</summary>
public sealed record SignatureFailure(int Status, string Code, string Title, string Detail)
{
    public static SignatureFailure Missing(string header) =>
        new(StatusCodes.Status401Unauthorized, "missing-header", $"Missing {header} header",
            $"Signed requests carry {RequestSignature.PublicKeyHeader}, {RequestSignature.SignatureHeader}, {RequestSignature.TimestampHeader} and {RequestSignature.NonceHeader}; {header} is missing.");

    public static SignatureFailure Malformed(string header, string expected) =>
        new(StatusCodes.Status400BadRequest, "malformed-header", $"Malformed {header} header", $"{header} must be {expected}.");
}

/// <summary>A request whose signature and timestamp check out (the nonce is checked afterwards, in the store).</summary>
public sealed record VerifiedRequest(string PublicKey, string Nonce, DateTimeOffset Timestamp);

/// <summary>
/// The stateless half of the check: header syntax, the time window and the signature. Kept apart from
/// the authentication handler so the docs/design.md test vector can be checked with a fixed clock.
/// </summary>
public static class SignedRequestVerifier
{
    public static (VerifiedRequest? Request, SignatureFailure? Failure) Verify(
        string? publicKey, string? signature, string? timestamp, string? nonce,
        string method, string path, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan window)
    {
        var missing = publicKey is null ? RequestSignature.PublicKeyHeader
            : signature is null ? RequestSignature.SignatureHeader
            : timestamp is null ? RequestSignature.TimestampHeader
            : nonce is null ? RequestSignature.NonceHeader
            : null;
        if (missing is not null)
        {
            return (null, SignatureFailure.Missing(missing));
        }

        if (!RequestSignature.TryParseHex(publicKey, RequestSignature.PublicKeyLength, out var keyBytes))
        {
            return (null, SignatureFailure.Malformed(RequestSignature.PublicKeyHeader, "32 bytes as 64 hex characters"));
        }

        if (!RequestSignature.TryParseHex(signature, RequestSignature.SignatureLength, out var signatureBytes))
        {
            return (null, SignatureFailure.Malformed(RequestSignature.SignatureHeader, "64 bytes as 128 hex characters"));
        }

        // Digits only: long.TryParse alone would also take signs and spaces, which change the signed bytes' meaning.
        if (timestamp!.Length is 0 or > 19 || !timestamp.All(char.IsAsciiDigit)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds))
        {
            return (null, SignatureFailure.Malformed(RequestSignature.TimestampHeader, "Unix time in nanoseconds (digits only)"));
        }

        if (!Guid.TryParseExact(nonce, "D", out _))
        {
            return (null, SignatureFailure.Malformed(RequestSignature.NonceHeader, "a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"));
        }

        Ed25519PublicKeyParameters key;
        try
        {
            key = new Ed25519PublicKeyParameters(keyBytes);
        }
        catch (ArgumentException)
        {
            return (null, SignatureFailure.Malformed(RequestSignature.PublicKeyHeader, "a valid Ed25519 public key"));
        }

        var sent = DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
        var skew = sent - now;
        if (skew.Duration() > window)
        {
            return (null, new SignatureFailure(StatusCodes.Status401Unauthorized, "stale-timestamp", "Stale timestamp",
                $"{RequestSignature.TimestampHeader} is {Math.Abs(skew.TotalSeconds):F0} s {(skew < TimeSpan.Zero ? "in the past" : "in the future")}; requests are accepted within ±{window.TotalMinutes:F0} minutes of the server's clock."));
        }

        var message = RequestSignature.BuildMessage(timestamp, nonce!, method, path, body);
        if (!RequestSignature.Verify(key, signatureBytes, message))
        {
            return (null, new SignatureFailure(StatusCodes.Status401Unauthorized, "bad-signature", "Bad signature",
                $"{RequestSignature.SignatureHeader} does not verify: Ed25519ph with context 'decent-cloud' over timestamp + nonce + METHOD + path (without the query string) + body."));
        }

        return (new VerifiedRequest(publicKey!.ToLowerInvariant(), nonce!.ToLowerInvariant(), sent), null);
    }
}
