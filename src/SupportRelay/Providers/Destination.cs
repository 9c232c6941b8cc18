namespace SupportRelay.Providers;

/// <summary>
/// A place a provider may be notified (a Telegram chat, a phone number, an e-mail address) and whether it
/// was proven: nothing but a verification message goes to a destination until <see cref="VerifiedAt"/> is set.
/// </summary>
public sealed record Destination(
    string ProviderPubkey,
    NotificationChannel Channel,
    string Address,
    DateTimeOffset? VerifiedAt,
    DateTimeOffset? CodeSentAt,
    DateTimeOffset? CodeExpiresAt)
{
    public bool IsVerified => VerifiedAt is not null;
}
