using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace SupportRelay.Providers;

/// <summary>
/// The marketplace's request signature (docs/design.md, "The marketplace's signed requests"): Ed25519ph (SHA-512 prehash,
/// RFC 8032) with context <c>decent-cloud</c> over <c>timestamp + nonce + METHOD + path + body</c>.
/// Plain Ed25519 does not verify these signatures, so both sides go through this one class.
/// </summary>
public static class RequestSignature
{
    public const string PublicKeyHeader = "X-Public-Key";
    public const string SignatureHeader = "X-Signature";
    public const string TimestampHeader = "X-Timestamp";
    public const string NonceHeader = "X-Nonce";

    public const int PublicKeyLength = 32;
    public const int SignatureLength = 64;

    private static readonly byte[] Context = Encoding.ASCII.GetBytes("decent-cloud");

    /// <summary>The signed bytes, concatenated without separators; the query string is not part of them.</summary>
    public static byte[] BuildMessage(string timestamp, string nonce, string method, string path, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(string.Concat(timestamp, nonce, method.ToUpperInvariant(), path));
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return message;
    }

    public static byte[] Sign(Ed25519PrivateKeyParameters privateKey, byte[] message)
    {
        var signer = new Ed25519phSigner(Context);
        signer.Init(forSigning: true, privateKey);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public static bool Verify(Ed25519PublicKeyParameters publicKey, byte[] signature, byte[] message)
    {
        var verifier = new Ed25519phSigner(Context);
        verifier.Init(forSigning: false, publicKey);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>Unix time in nanoseconds, the unit of <c>X-Timestamp</c>.</summary>
    public static long ToUnixNanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static string FormatTimestamp(DateTimeOffset time) => ToUnixNanoseconds(time).ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses lower- or upper-case hex of exactly <paramref name="length"/> bytes.</summary>
    public static bool TryParseHex(string? text, int length, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length != length * 2 || !text.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        bytes = Convert.FromHexString(text);
        return true;
    }
}
