using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SupportRelay.Providers;

namespace SupportRelay.Operations;

/// <summary>The document's title and the two security schemes the API uses.</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string SignedRequestScheme = "SignedRequest";
    public const string AdminTokenScheme = "AdminToken";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "SupportRelay",
            Version = "v1",
            Description = "Chatwoot support bot and notification bridge. Provider endpoints take Decent Cloud signed requests: "
                + "X-Public-Key (hex, 32 bytes), X-Signature (hex, 64 bytes), X-Timestamp (Unix nanoseconds), X-Nonce (UUID); "
                + "the signature is Ed25519ph with context 'decent-cloud' over timestamp + nonce + METHOD + path + body "
                + "(path with /api/v1, without the query string), accepted within ±5 minutes, each nonce once.",
        };
        // The framework fills servers from the request's Host header, which any client chooses: paths stay relative.
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SignedRequestScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = RequestSignature.SignatureHeader,
            Description = "Ed25519ph signature with context 'decent-cloud'; sent with X-Public-Key, X-Timestamp and X-Nonce.",
        };
        document.Components.SecuritySchemes[AdminTokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Authorization: Bearer {Admin:ApiToken}. The admin API answers 404 while no token is configured.",
        };
        return Task.CompletedTask;
    }
}

/// <summary>Adds the signature headers, the security requirement and the authentication errors to each protected operation.</summary>
internal sealed class AuthenticationOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly (string Name, string Description, string Pattern)[] SignatureHeaders =
    [
        (RequestSignature.PublicKeyHeader, "The provider's Ed25519 public key, 32 bytes as hex; it is the provider's identity.", "^[0-9a-fA-F]{64}$"),
        (RequestSignature.SignatureHeader, "Ed25519ph (context 'decent-cloud') over timestamp + nonce + METHOD + path + body, 64 bytes as hex.", "^[0-9a-fA-F]{128}$"),
        (RequestSignature.TimestampHeader, "Unix time in nanoseconds; accepted within ±5 minutes of the server's clock.", "^[0-9]{1,19}$"),
        (RequestSignature.NonceHeader, "A new UUID for every request; a nonce seen before is refused as a replay.", "^[0-9a-fA-F-]{36}$"),
    ];

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<RequiresSignatureMetadata>().Any())
        {
            operation.Parameters ??= [];
            foreach (var (name, description, pattern) in SignatureHeaders)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern },
                });
            }

            Require(operation, context, ApiDocumentTransformer.SignedRequestScheme);
            AddProblem(operation, "400", "A signature header is malformed (the problem's code is malformed-header).");
            AddProblem(operation, "401", "A signature header is missing, the timestamp is stale, the signature does not verify, or the nonce was used before (code: missing-header, stale-timestamp, bad-signature, replayed-nonce).");
            AddProblem(operation, "413", "The body is larger than the limit (64 KiB by default).");
        }

        if (metadata.OfType<RequiresAdminTokenMetadata>().Any())
        {
            Require(operation, context, ApiDocumentTransformer.AdminTokenScheme);
            AddProblem(operation, "401", "The bearer token is missing or wrong.");
            AddProblem(operation, "404", "The admin API is off (no Admin:ApiToken), or the contract is unknown.");
        }

        return Task.CompletedTask;
    }

    private static void Require(OpenApiOperation operation, OpenApiOperationTransformerContext context, string scheme)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        operation.Responses ??= new OpenApiResponses();
        if (operation.Responses.TryGetValue(status, out var existing) && existing is OpenApiResponse response)
        {
            response.Description = description;
            return;
        }

        // Borrow the ProblemDetails schema reference the framework generated for this operation's other errors.
        var problemContent = operation.Responses.Values
            .Select(r => r.Content)
            .FirstOrDefault(c => c is not null && c.ContainsKey("application/problem+json"));
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = problemContent is null
                ? new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType() }
                : new Dictionary<string, OpenApiMediaType>(problemContent),
        };
    }
}
