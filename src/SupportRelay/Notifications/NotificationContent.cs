namespace SupportRelay.Notifications;

/// <summary>
/// What to tell the provider: a short subject, our own text, and where to look. <see cref="CustomerText"/>
/// is text a customer controls (their words, or a summary written from them): every channel shows it apart,
/// under a label, so it cannot pass for ours. With <see cref="AccountId"/> and <see cref="ConversationId"/>
/// the notification is about a conversation (Telegram adds its buttons and links replies to it).
/// </summary>
public sealed record NotificationContent(
    string Subject,
    string Text,
    Uri? Link = null,
    long? AccountId = null,
    long? ConversationId = null,
    string? CustomerText = null,
    string? CustomerTextLabel = null,
    string LinkLabel = NotificationContent.ConversationLinkLabel,
    IReadOnlyList<NotificationButton>? Buttons = null)
{
    public const string ConversationLinkLabel = "Open the conversation in Chatwoot";

    public bool IsAboutConversation => AccountId is not null && ConversationId is not null;
}
