using SupportRelay.Notifications;

namespace SupportRelay.Providers;

/// <summary>
/// One destination of a config: <see cref="Status"/> is <c>verified</c>, <c>code_sent</c> (confirm it with
/// <c>POST /api/v1/providers/me/verify</c>), <c>confirm_in_chat</c> (press "Link this chat" in the Telegram chat),
/// <c>unverified</c> (ask for a new code) or <c>limit_reached</c> (too many verification messages; try later).
/// </summary>
public sealed record DestinationResponse(string Channel, string Address, bool Verified, string Status, DateTimeOffset? ExpiresAt)
{
    public static DestinationResponse From(DestinationStatus status) => new(status.Channel.Name(), status.Address,
        status.State == VerificationState.Verified, StatusName(status.State), status.ExpiresAt);

    public static string StatusName(VerificationState state) => state switch
    {
        VerificationState.Verified => "verified",
        VerificationState.CodeSent => "code_sent",
        VerificationState.ConfirmInChat => "confirm_in_chat",
        VerificationState.LimitReached => "limit_reached",
        _ => "unverified",
    };
}
