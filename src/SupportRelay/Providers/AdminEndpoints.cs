using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SupportRelay.Text;

namespace SupportRelay.Providers;

/// <summary>
/// The operator's API: <c>/api/v1/admin/providers/{publicKey}</c> enrols providers (only enrolled keys may use
/// the provider API), <c>/api/v1/admin/contracts/{contractId}</c> maps contracts to providers (enrolling them).
/// </summary>
public static class AdminEndpoints
{
    public const string PolicyName = "Admin";
    public const int MaxContractIdLength = 128;

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin")
            .WithTags("Admin")
            .RequireAuthorization(PolicyName)
            .WithMetadata(new RequiresAdminTokenMetadata(), new RateLimitBudget(RateLimitBudget.Admin))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/providers", ListProvidersAsync)
            .WithName("ListProviders")
            .WithSummary("The enrolled providers");

        group.MapPut("/providers/{publicKey}", PutProviderAsync)
            .WithName("PutProvider")
            .WithSummary("Enrol a provider's public key, so it may use the provider API")
            .ProducesValidationProblem();

        group.MapDelete("/providers/{publicKey}", DeleteProviderAsync)
            .WithName("DeleteProvider")
            .WithSummary("Remove a provider: its enrolment, settings, destinations and contracts")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/contracts/{contractId}", PutContractAsync)
            .WithName("PutContract")
            .WithSummary("Map a contract id to the provider's public key (create or replace)")
            .Accepts<ContractRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapDelete("/contracts/{contractId}", DeleteContractAsync)
            .WithName("DeleteContract")
            .WithSummary("Remove a contract mapping")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    private static async Task<Ok<IReadOnlyList<ProviderResponse>>> ListProvidersAsync(ProviderStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<ProviderResponse>>([.. (await store.ListEnrolledAsync(cancellationToken)).Select(ProviderResponse.From)]);

    private static async Task<Results<Ok<ProviderResponse>, Created<ProviderResponse>, ValidationProblem>> PutProviderAsync(
        string publicKey, ProviderStore store, CancellationToken cancellationToken)
    {
        if (!RequestSignature.TryParseHex(publicKey, RequestSignature.PublicKeyLength, out _))
        {
            return ProviderEndpoints.Invalid(new() { ["publicKey"] = ["Must be an Ed25519 public key: 32 bytes as 64 hex characters."] });
        }

        var (provider, created) = await store.EnrolAsync(publicKey.ToLowerInvariant(), cancellationToken);
        var response = ProviderResponse.From(provider);
        return created
            ? TypedResults.Created($"/api/v1/admin/providers/{provider.PublicKey}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteProviderAsync(
        string publicKey, ProviderStore store, CancellationToken cancellationToken) =>
        RequestSignature.TryParseHex(publicKey, RequestSignature.PublicKeyLength, out _) && await store.UnenrolAsync(publicKey.ToLowerInvariant(), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "Unknown provider", detail: "No provider with this key is enrolled through the admin API or a contract.",
                statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<ContractResponse>, Created<ContractResponse>, ValidationProblem>> PutContractAsync(
        string contractId, HttpRequest request, ProviderStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsContractId(contractId))
        {
            errors["contractId"] = [$"Must be 1 to {MaxContractIdLength} printable ASCII characters."];
        }

        string? providerPubkey = null;
        try
        {
            using var document = await StrictJson.ParseAsync(request.Body, NotificationConfigValidator.NoDuplicateFields, cancellationToken);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["The body must be a JSON object: {\"providerPubkey\": \"<hex>\"}."];
            }
            else if (!root.TryGetProperty("providerPubkey", out var key) || key.ValueKind != JsonValueKind.String
                || !RequestSignature.TryParseHex(key.GetString(), RequestSignature.PublicKeyLength, out _))
            {
                errors["providerPubkey"] = ["Required: the provider's Ed25519 public key, 32 bytes as 64 hex characters."];
            }
            else
            {
                providerPubkey = key.GetString()!.ToLowerInvariant();
            }
        }
        catch (JsonException ex)
        {
            errors["body"] = [$"The body is not valid JSON: {ex.Message}"];
        }

        if (errors.Count > 0)
        {
            return ProviderEndpoints.Invalid(errors);
        }

        var (contract, created) = await store.SaveContractAsync(contractId, providerPubkey!, cancellationToken);
        var response = new ContractResponse(contract.ContractId, contract.ProviderPubkey, contract.UpdatedAt);
        return created
            ? TypedResults.Created($"/api/v1/admin/contracts/{Uri.EscapeDataString(contractId)}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteContractAsync(
        string contractId, ProviderStore store, CancellationToken cancellationToken) =>
        await store.DeleteContractAsync(contractId, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(title: "Unknown contract", detail: $"No contract '{contractId}' is mapped.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>A contract id as the operator may map it: 1 to 128 printable ASCII characters, no spaces.</summary>
    public static bool IsContractId(string? id) =>
        id is { Length: > 0 and <= MaxContractIdLength } && id.All(c => c is > ' ' and < (char)127);
}
