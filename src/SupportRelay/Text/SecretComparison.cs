using System.Security.Cryptography;
using System.Text;

namespace SupportRelay.Text;

/// <summary>
/// The one comparison of a secret someone sent with the one configured: both are hashed first, so the time
/// it takes tells neither the secret's content nor its length.
/// </summary>
public static class SecretComparison
{
    public static bool Matches(string? given, string? expected) =>
        !string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
