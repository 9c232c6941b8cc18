namespace SupportRelay.Tests.Chatwoot;

/// <summary>Who Chatwoot sends an event to: the agent bot, or the account webhook (each with a delivery id of its own).</summary>
public enum ChatwootRecipient
{
    AgentBot,
    AccountWebhook,
}
