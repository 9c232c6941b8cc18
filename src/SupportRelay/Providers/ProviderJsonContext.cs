using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportRelay.Providers;

public sealed record TelegramLinkResponse(string Code, Uri Link, DateTimeOffset ExpiresAt);

public sealed record NotificationTestResponse(bool Accepted, string Channel, string? Error);

public sealed record ContractRequest(string ProviderPubkey);

public sealed record ContractResponse(string ContractId, string ProviderPubkey, DateTimeOffset UpdatedAt);

/// <summary>The provider API's wire types, serialised without reflection (camelCase, as DESIGN.md fixes).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationConfigRequest))]
[JsonSerializable(typeof(NotificationConfigResponse))]
[JsonSerializable(typeof(TelegramLinkResponse))]
[JsonSerializable(typeof(NotificationTestResponse))]
[JsonSerializable(typeof(ContractRequest))]
[JsonSerializable(typeof(ContractResponse))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class ProviderJsonContext : JsonSerializerContext;
