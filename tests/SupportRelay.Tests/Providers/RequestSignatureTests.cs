using System.Text;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;
using SupportRelay.Providers;

namespace SupportRelay.Tests.Providers;

public sealed class RequestSignatureTests
{
    // docs/design.md's test vector: a real request signed by the marketplace's client.
    private const string VectorKey = "4f16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b103386";
    private const string VectorSignature = "e6cd8399dffffbf4971415fcb3e27600b1377b20d3fcfee6ac6a16cf47129ce63ebb38b7a8f9e73e231a1af1aa48261a34218461d533087a50ae927ebc88ce09";
    private const string VectorTimestamp = "1763841226767000000";
    private const string VectorNonce = "613a7ce4-e8b7-45d2-9b6d-04f6208f6093";
    private const string VectorPath = "/api/v1/provider/rental-requests/pending";

    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeMilliseconds(1763841226767);

    [Fact]
    public void Design_test_vector_verifies_with_the_clock_at_its_time()
    {
        var clock = new FakeTimeProvider(VectorTime);

        var (verified, failure) = SignedRequestVerifier.Verify(VectorKey, VectorSignature, VectorTimestamp, VectorNonce,
            "GET", VectorPath, [], clock.GetUtcNow(), TimeSpan.FromMinutes(5));

        Assert.Null(failure);
        Assert.Equal(VectorKey, verified!.PublicKey);
        Assert.Equal(VectorNonce, verified.Nonce);
        Assert.Equal(VectorTime, verified.Timestamp);
    }

    [Theory]
    [InlineData(4, null)]
    [InlineData(-4, null)]
    [InlineData(6, "stale-timestamp")]
    [InlineData(-6, "stale-timestamp")]
    public void Design_test_vector_is_accepted_only_within_five_minutes(int minutes, string? expected)
    {
        var clock = new FakeTimeProvider(VectorTime.AddMinutes(minutes));

        var (_, failure) = SignedRequestVerifier.Verify(VectorKey, VectorSignature, VectorTimestamp, VectorNonce,
            "GET", VectorPath, [], clock.GetUtcNow(), TimeSpan.FromMinutes(5));

        Assert.Equal(expected, failure?.Code);
    }

    [Theory]
    [InlineData("POST", VectorPath, "")]
    [InlineData("GET", "/api/v1/provider/rental-requests/pending2", "")]
    [InlineData("GET", VectorPath, "{}")]
    public void Design_test_vector_fails_for_any_other_request(string method, string path, string body)
    {
        var (_, failure) = SignedRequestVerifier.Verify(VectorKey, VectorSignature, VectorTimestamp, VectorNonce,
            method, path, Encoding.UTF8.GetBytes(body), VectorTime, TimeSpan.FromMinutes(5));

        Assert.Equal("bad-signature", failure?.Code);
        Assert.Equal(401, failure!.Status);
    }

    [Fact]
    public void Plain_ed25519_would_not_verify_the_vector()
    {
        // Guards against a well-meant "simplification" to Ed25519Signer: the scheme is Ed25519ph.
        var message = RequestSignature.BuildMessage(VectorTimestamp, VectorNonce, "GET", VectorPath, []);
        var verifier = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(Convert.FromHexString(VectorKey)));
        verifier.BlockUpdate(message, 0, message.Length);

        Assert.False(verifier.VerifySignature(Convert.FromHexString(VectorSignature)));
    }

    [Fact]
    public void Signer_output_verifies_and_uses_nanoseconds()
    {
        var clock = new FakeTimeProvider(VectorTime);
        var signer = RequestSigner.Generate(clock);
        var body = Encoding.UTF8.GetBytes("""{"notifyVia":"email"}""");

        var headers = signer.Sign("put", "/api/v1/providers/me/notification-config", body);

        Assert.Equal(VectorTimestamp, headers.Timestamp);
        var (verified, failure) = SignedRequestVerifier.Verify(headers.PublicKey, headers.Signature, headers.Timestamp, headers.Nonce,
            "PUT", "/api/v1/providers/me/notification-config", body, clock.GetUtcNow(), TimeSpan.FromMinutes(5));
        Assert.Null(failure);
        Assert.Equal(signer.PublicKeyHex, verified!.PublicKey);
    }

    [Fact]
    public void Key_files_load_from_hex_seed_and_from_pem()
    {
        var clock = new FakeTimeProvider(VectorTime);
        var signer = RequestSigner.Generate(clock);
        Assert.Equal(signer.PublicKeyHex, RequestSigner.FromKeyFile(signer.SeedHex.ToUpperInvariant() + "\n", clock).PublicKeyHex);

        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        using var text = new StringWriter();
        var pem = new PemWriter(text);
        pem.WriteObject(new Org.BouncyCastle.OpenSsl.Pkcs8Generator(pair.Private));
        pem.Writer.Flush();

        var fromPem = RequestSigner.FromKeyFile(text.ToString(), clock);

        Assert.Equal(Convert.ToHexStringLower(((Ed25519PublicKeyParameters)pair.Public).GetEncoded()), fromPem.PublicKeyHex);
        Assert.Throws<FormatException>(() => RequestSigner.FromKeyFile("not a key", clock));
    }

    [Theory]
    [InlineData("zz16b64a096a48252fc4d9a11393778d84e95fcf6868b72b9d2b344d4b103386", VectorSignature, VectorTimestamp, VectorNonce, "X-Public-Key")]
    [InlineData(VectorKey, "e6cd", VectorTimestamp, VectorNonce, "X-Signature")]
    [InlineData(VectorKey, VectorSignature, "-1763841226767000000", VectorNonce, "X-Timestamp")]
    [InlineData(VectorKey, VectorSignature, "1.7e18", VectorNonce, "X-Timestamp")]
    [InlineData(VectorKey, VectorSignature, "99999999999999999999", VectorNonce, "X-Timestamp")]
    [InlineData(VectorKey, VectorSignature, VectorTimestamp, "613a7ce4e8b745d29b6d04f6208f6093", "X-Nonce")]
    [InlineData(VectorKey, VectorSignature, VectorTimestamp, "nonce", "X-Nonce")]
    public void Malformed_headers_are_named(string key, string signature, string timestamp, string nonce, string header)
    {
        var (_, failure) = SignedRequestVerifier.Verify(key, signature, timestamp, nonce, "GET", VectorPath, [], VectorTime, TimeSpan.FromMinutes(5));

        Assert.Equal("malformed-header", failure?.Code);
        Assert.Equal(400, failure!.Status);
        Assert.Contains(header, failure.Title, StringComparison.Ordinal);
    }
}
