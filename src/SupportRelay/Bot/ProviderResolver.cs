using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Providers;

namespace SupportRelay.Bot;

/// <summary>Who is responsible for a conversation, and which Help Center portal answers it.</summary>
public sealed record ConversationOwner(string? ProviderPubkey, string? ContractId, string? PortalSlug);

/// <summary>
/// Resolves the provider as the operator decided, never as a customer might: the conversation's
/// <c>contract_id</c> attribute when the operator mapped that contract (admin API); else
/// <c>Bot:DefaultProviderPubkey</c>. The <c>provider_pubkey</c> attribute counts only when the operator turned
/// <c>Bot:TrustProviderPubkeyAttribute</c> on (Chatwoot's widget SDK lets a customer's browser set conversation
/// attributes), and only for an enrolled provider. A contract id nobody mapped is dropped: it is the customer's
/// text, not ours. The portal is the provider's configured one, else <c>Chatwoot:DefaultPortalSlug</c>.
/// </summary>
public sealed class ProviderResolver(ProviderStore providers, IOptionsMonitor<BotOptions> bot, IOptionsMonitor<ChatwootOptions> chatwoot)
{
    public async Task<ConversationOwner> ResolveAsync(string? providerPubkey, string? contractId, CancellationToken cancellationToken)
    {
        string? pubkey = null;
        if (bot.CurrentValue.TrustProviderPubkeyAttribute && IsPubkey(providerPubkey)
            && await providers.IsEnrolledAsync(providerPubkey!.ToLowerInvariant(), cancellationToken))
        {
            pubkey = providerPubkey.ToLowerInvariant();
        }

        string? contract = null;
        if (AdminEndpoints.IsContractId(contractId?.Trim()) && await providers.FindContractProviderAsync(contractId!.Trim(), cancellationToken) is { } mapped)
        {
            contract = contractId.Trim();
            pubkey ??= mapped;
        }

        pubkey ??= IsPubkey(bot.CurrentValue.DefaultProviderPubkey) ? bot.CurrentValue.DefaultProviderPubkey!.ToLowerInvariant() : null;
        var portal = pubkey is null ? null : await providers.GetPortalSlugAsync(pubkey, cancellationToken);
        portal = string.IsNullOrWhiteSpace(portal) ? chatwoot.CurrentValue.DefaultPortalSlug : portal;
        return new ConversationOwner(pubkey, contract, string.IsNullOrWhiteSpace(portal) ? null : portal);
    }

    private static bool IsPubkey(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);
}
