using System.Net.Http.Headers;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;

namespace SupportRelay.Providers;

/// <summary>
/// Signs outgoing requests with a provider's key: used by the provider command line and the tests,
/// so the same code that the server verifies against is the code clients run.
/// </summary>
public sealed class RequestSigner(Ed25519PrivateKeyParameters privateKey, TimeProvider time)
{
    public string PublicKeyHex { get; } = Convert.ToHexStringLower(privateKey.GeneratePublicKey().GetEncoded());

    public static RequestSigner Generate(TimeProvider time) => new(new Ed25519PrivateKeyParameters(new SecureRandom()), time);

    public static RequestSigner FromSeed(ReadOnlySpan<byte> seed, TimeProvider time) => new(new Ed25519PrivateKeyParameters(seed), time);

    /// <summary>The 32-byte private seed as hex, the key file format <c>provider keygen</c> writes.</summary>
    public string SeedHex => Convert.ToHexStringLower(privateKey.GetEncoded());

    /// <summary>
    /// Reads a key file: the 32-byte seed as hex (what <c>provider keygen</c> writes), or a PKCS#8
    /// PEM Ed25519 private key (what <c>openssl genpkey -algorithm ed25519</c> writes).
    /// </summary>
    public static RequestSigner FromKeyFile(string text, TimeProvider time)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            using var reader = new StringReader(trimmed);
            return new PemReader(reader).ReadObject() switch
            {
                Ed25519PrivateKeyParameters key => new RequestSigner(key, time),
                _ => throw new FormatException("The PEM file does not hold an Ed25519 private key."),
            };
        }

        if (!RequestSignature.TryParseHex(trimmed, 32, out var seed))
        {
            throw new FormatException("A key file holds the 32-byte private key seed as 64 hex characters, or an Ed25519 PEM private key.");
        }

        return FromSeed(seed, time);
    }

    /// <summary>The four headers for one request.</summary>
    public SignedHeaders Sign(string method, string path, ReadOnlySpan<byte> body, Guid? nonce = null, DateTimeOffset? at = null)
    {
        var timestamp = RequestSignature.FormatTimestamp(at ?? time.GetUtcNow());
        var nonceText = (nonce ?? Guid.NewGuid()).ToString("D");
        var message = RequestSignature.BuildMessage(timestamp, nonceText, method, path, body);
        var signature = Convert.ToHexStringLower(RequestSignature.Sign(privateKey, message));
        return new SignedHeaders(PublicKeyHex, signature, timestamp, nonceText);
    }

    /// <summary>Signs the request in place, reading (and so buffering) its content.</summary>
    public async Task SignAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = Sign(request.Method.Method, request.RequestUri.AbsolutePath, body);
        headers.ApplyTo(request.Headers);
    }
}

/// <summary>The values of the four signature headers.</summary>
public sealed record SignedHeaders(string PublicKey, string Signature, string Timestamp, string Nonce)
{
    public void ApplyTo(HttpRequestHeaders headers)
    {
        foreach (var name in new[] { RequestSignature.PublicKeyHeader, RequestSignature.SignatureHeader, RequestSignature.TimestampHeader, RequestSignature.NonceHeader })
        {
            headers.Remove(name);
        }

        headers.Add(RequestSignature.PublicKeyHeader, PublicKey);
        headers.Add(RequestSignature.SignatureHeader, Signature);
        headers.Add(RequestSignature.TimestampHeader, Timestamp);
        headers.Add(RequestSignature.NonceHeader, Nonce);
    }
}

/// <summary>Signs every request that goes through an <see cref="HttpClient"/>.</summary>
public sealed class RequestSigningHandler(RequestSigner signer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await signer.SignAsync(request, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
