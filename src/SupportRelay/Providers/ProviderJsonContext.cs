using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportRelay.Providers;

public sealed record TelegramLinkResponse(string Code, Uri Link, DateTimeOffset ExpiresAt);

public sealed record NotificationTestResponse(bool Accepted, string Channel, string? Error);

public sealed record ContractRequest(string ProviderPubkey);

public sealed record ProviderResponse(string PublicKey, DateTimeOffset EnrolledAt, string EnrolledBy)
{
    public static ProviderResponse From(EnrolledProvider provider) => new(provider.PublicKey, provider.EnrolledAt, provider.EnrolledBy);
}

public sealed record ContractResponse(string ContractId, string ProviderPubkey, DateTimeOffset UpdatedAt);

/// <summary>The provider API's wire types, serialised without reflection (camelCase, as docs/design.md fixes).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationConfigRequest))]
[JsonSerializable(typeof(NotificationConfigResponse))]
[JsonSerializable(typeof(DestinationResponse))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(ProviderResponse))]
[JsonSerializable(typeof(IReadOnlyList<ProviderResponse>))]
[JsonSerializable(typeof(TelegramLinkResponse))]
[JsonSerializable(typeof(NotificationTestResponse))]
[JsonSerializable(typeof(ContractRequest))]
[JsonSerializable(typeof(ContractResponse))]
public sealed partial class ProviderJsonContext : JsonSerializerContext;

/// <summary>
/// What only the command line reads. Kept out of <see cref="ProviderJsonContext"/>, which the web host
/// puts first in its resolver chain, so the framework keeps serialising ProblemDetails its own way.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class ProviderCliJsonContext : JsonSerializerContext;
