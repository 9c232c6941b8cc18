using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SupportRelay.Text;

namespace SupportRelay.Providers;

public sealed class AdminTokenAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>
/// The operator's <c>Authorization: Bearer {Admin:ApiToken}</c>. While no token is configured the
/// admin API does not exist (404), so an unconfigured deployment has no default credential to guess.
/// </summary>
public sealed class AdminTokenAuthenticationHandler(
    IOptionsMonitor<AdminTokenAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<AdminOptions> adminOptions,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AdminTokenAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "AdminToken";

    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = adminOptions.CurrentValue.ApiToken;
        if (string.IsNullOrEmpty(expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("The admin API is off."));
        }

        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!SecretComparison.Matches(header[BearerPrefix.Length..].Trim(), expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("Wrong admin token."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var off = string.IsNullOrEmpty(adminOptions.CurrentValue.ApiToken);
        var result = await HandleAuthenticateOnceAsync();
        Response.StatusCode = off ? StatusCodes.Status404NotFound : StatusCodes.Status401Unauthorized;
        if (!off)
        {
            Response.Headers.WWWAuthenticate = "Bearer realm=\"supportrelay-admin\"";
        }

        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = Response.StatusCode,
                Title = off ? "Not found" : result.None ? "Missing bearer token" : "Wrong bearer token",
                Detail = off
                    ? "The admin API is off: the operator has not set Admin:ApiToken."
                    : "The admin API needs 'Authorization: Bearer <Admin:ApiToken>'.",
            },
        });
    }
}
