namespace SupportRelay.Notifications;

/// <summary>A button under a Telegram message; pressing it sends <see cref="Data"/> back (at most 64 bytes).</summary>
public sealed record NotificationButton(string Label, string Data);
