using Dapper;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Storage;

namespace SupportRelay.Bot;

/// <summary>Who is responsible for a conversation, and which Help Center portal answers it.</summary>
public sealed record ConversationOwner(string? ProviderPubkey, string? ContractId, string? PortalSlug);

/// <summary>
/// Resolves the provider as docs/design.md says: the conversation's <c>provider_pubkey</c> custom attribute,
/// else its <c>contract_id</c> looked up in the contracts table, else <c>Bot:DefaultProviderPubkey</c>;
/// the portal is the provider's configured one, else <c>Chatwoot:DefaultPortalSlug</c>.
/// A widget can set conversation attributes from the customer's browser, and a provider's public key
/// is no secret: <c>Bot:TrustProviderPubkeyAttribute=false</c> leaves only contracts the operator mapped.
/// </summary>
public sealed class ProviderResolver(SqlDialect dialect, IOptionsMonitor<BotOptions> bot, IOptionsMonitor<ChatwootOptions> chatwoot)
{
    public async Task<ConversationOwner> ResolveAsync(string? providerPubkey, string? contractId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var pubkey = bot.CurrentValue.TrustProviderPubkeyAttribute && IsPubkey(providerPubkey) ? providerPubkey!.ToLowerInvariant() : null;
        if (pubkey is null && !string.IsNullOrWhiteSpace(contractId))
        {
            pubkey = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT provider_pubkey FROM contracts WHERE contract_id = @contractId",
                new { contractId = contractId.Trim() }, cancellationToken: cancellationToken));
        }

        pubkey ??= IsPubkey(bot.CurrentValue.DefaultProviderPubkey) ? bot.CurrentValue.DefaultProviderPubkey!.ToLowerInvariant() : null;

        string? portal = null;
        if (pubkey is not null)
        {
            portal = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT chatwoot_portal_slug FROM notification_configs WHERE provider_pubkey = @pubkey",
                new { pubkey }, cancellationToken: cancellationToken));
        }

        portal = string.IsNullOrWhiteSpace(portal) ? chatwoot.CurrentValue.DefaultPortalSlug : portal;
        return new ConversationOwner(pubkey, string.IsNullOrWhiteSpace(contractId) ? null : contractId.Trim(), string.IsNullOrWhiteSpace(portal) ? null : portal);
    }

    private static bool IsPubkey(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);
}
