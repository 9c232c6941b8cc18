using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace SupportRelay.Providers;

public sealed class SignedRequestAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>
/// Authenticates a provider by the marketplace's signed-request headers. The public key is the
/// identity (claim <see cref="ClaimTypes.NameIdentifier"/>). Each refusal is answered by
/// <see cref="HandleChallengeAsync"/> as a ProblemDetails that names the reason.
/// </summary>
public sealed partial class SignedRequestAuthenticationHandler(
    IOptionsMonitor<SignedRequestAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<ProviderApiOptions> apiOptions,
    NonceStore nonces,
    ProviderStore providers,
    TimeProvider time,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<SignedRequestAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "SignedRequest";

    private SignatureFailure? _failure;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var request = Request;
        var limit = apiOptions.Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return Fail(TooLarge(limit));
        }

        // The signature covers the raw body, and the endpoint reads it again afterwards. No bufferLimit:
        // exceeding it throws an IOException (a 500); the loop below enforces the limit as a 413 instead,
        // also for chunked bodies that announce no Content-Length.
        request.EnableBuffering(bufferThreshold: limit);
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, Context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return Fail(TooLarge(limit));
                }
            }

            body = buffer.ToArray();
        }

        request.Body.Position = 0;

        var window = apiOptions.Value.SignatureWindow;
        var (verified, failure) = SignedRequestVerifier.Verify(
            Header(RequestSignature.PublicKeyHeader), Header(RequestSignature.SignatureHeader),
            Header(RequestSignature.TimestampHeader), Header(RequestSignature.NonceHeader),
            request.Method, string.Concat(request.PathBase.Value, request.Path.Value), body, time.GetUtcNow(), window);
        if (failure is not null)
        {
            return Fail(failure);
        }

        // Only the operator makes a key a provider: an unknown key is refused before anything is stored for it.
        if (!await providers.IsEnrolledAsync(verified!.PublicKey, Context.RequestAborted))
        {
            return Fail(new SignatureFailure(StatusCodes.Status403Forbidden, "not-enrolled", "Provider not enrolled",
                "This key is not a provider of this SupportRelay: the operator enrols providers (a contract mapped to the key, "
                + "PUT /api/v1/admin/providers/{publicKey}, or ProviderApi:EnrolledProviders). Nothing was stored."));
        }

        // Only a correctly signed request of a provider may spend database writes, so strangers cannot fill the nonce table.
        if (!await nonces.TryRememberAsync(verified.PublicKey, verified.Nonce, verified.Timestamp + window, Context.RequestAborted))
        {
            return Fail(new SignatureFailure(StatusCodes.Status401Unauthorized, "replayed-nonce", "Replayed nonce",
                $"{RequestSignature.NonceHeader} {verified.Nonce} was already used by this key; sign each request with a new UUID."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, verified.PublicKey)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = _failure ?? SignatureFailure.Missing(RequestSignature.PublicKeyHeader);
        Response.StatusCode = failure.Status;
        if (failure.Status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = "Ed25519ph realm=\"supportrelay\", headers=\"X-Public-Key X-Signature X-Timestamp X-Nonce\"";
        }

        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = failure.Status,
                Title = failure.Title,
                Detail = failure.Detail,
                Extensions = { ["code"] = failure.Code },
            },
        });
    }

    private AuthenticateResult Fail(SignatureFailure failure)
    {
        _failure = failure;
        LogRefused(failure.Code, Request.Method, Request.Path.Value);
        return AuthenticateResult.Fail(failure.Detail);
    }

    private static SignatureFailure TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Request body too large",
            $"Signed requests may carry at most {limit} bytes of body.");

    private string? Header(string name) =>
        // A repeated header joins with commas, which then fails its format check as malformed.
        Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused signed request ({Reason}) {Method} {Path}")]
    private partial void LogRefused(string reason, string method, string? path);
}
