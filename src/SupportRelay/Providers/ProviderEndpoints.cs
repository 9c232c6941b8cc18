using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SupportRelay.Notifications;
using SupportRelay.Text;

namespace SupportRelay.Providers;

/// <summary>Marks endpoints that need a signed request, so the OpenAPI document can describe the headers.</summary>
public sealed class RequiresSignatureMetadata;

/// <summary>Marks endpoints behind the operator's bearer token, for the OpenAPI document.</summary>
public sealed class RequiresAdminTokenMetadata;

/// <summary>The signed provider API: <c>/api/v1/providers/me/...</c>.</summary>
public static partial class ProviderEndpoints
{
    public const string PolicyName = "Provider";

    public static RouteGroupBuilder MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/providers/me")
            .WithTags("Providers")
            .RequireAuthorization(PolicyName)
            .WithMetadata(new RequiresSignatureMetadata(), new RateLimitBudget(RateLimitBudget.Provider))
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/notification-config", GetConfigAsync)
            .WithName("GetNotificationConfig")
            .WithSummary("The provider's notification settings, and which destinations are verified")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/notification-config", PutConfigAsync)
            .WithName("PutNotificationConfig")
            .WithSummary("Create or replace the provider's notification settings; new destinations get a code (or, for a Telegram chat, a confirmation in the chat)")
            .Accepts<NotificationConfigRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapPost("/verify", VerifyAsync)
            .WithName("VerifyDestination")
            .WithSummary("Confirm the code sent to the configured phone number or e-mail address; without a code, send a new one")
            .Accepts<VerifyRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/telegram-link", CreateTelegramLinkAsync)
            .WithName("CreateTelegramLink")
            .WithSummary("A one-time deep link that links the provider's Telegram chat")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/notification-test", SendTestAsync)
            .WithName("SendTestNotification")
            .WithSummary("Send a test notification through the configured channel, to a verified destination")
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The e-mail's confirmation link: a page whose button confirms (mail scanners open links, they do not press buttons).
        var verifyEmail = app.MapGroup("/verify/email").ExcludeFromDescription().WithMetadata(new RateLimitBudget(RateLimitBudget.Provider));
        verifyEmail.MapGet("/{token}", EmailConfirmationPage);
        verifyEmail.MapPost("/{token}", ConfirmEmailAsync).DisableAntiforgery();
        return group;
    }

    internal static string ProviderKey(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The endpoint runs without a signed-request identity.");

    private static async Task<Results<Ok<NotificationConfigResponse>, ProblemHttpResult>> GetConfigAsync(
        ClaimsPrincipal user, ProviderStore store, DestinationVerification verification, CancellationToken cancellationToken)
    {
        var config = await store.GetConfigAsync(user.ProviderKey(), cancellationToken);
        return config is null
            ? NoConfig()
            : TypedResults.Ok(NotificationConfigResponse.From(config, await verification.StatusAsync(config, cancellationToken)));
    }

    private static async Task<Results<Ok<NotificationConfigResponse>, ValidationProblem>> PutConfigAsync(
        ClaimsPrincipal user, HttpRequest request, ProviderStore store, DestinationVerification verification, IOptionsMonitor<ProviderApiOptions> options,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await StrictJson.ParseAsync(request.Body, NotificationConfigValidator.NoDuplicateFields, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Invalid(new() { ["body"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        using (document)
        {
            var (body, errors) = NotificationConfigValidator.Validate(document.RootElement, options.CurrentValue.SmsCountries);
            if (body is null)
            {
                return Invalid(errors);
            }

            var provider = user.ProviderKey();
            var saved = await store.SaveConfigAsync(provider, body.ChatwootPortalSlug, NotificationChannels.Parse(body.NotifyVia)!.Value,
                body.TelegramChatId, body.NotifyPhone, body.NotifyEmail, cancellationToken);
            if (saved is null)
            {
                return Invalid(new()
                {
                    ["telegramChatId"] = ["Required when notifyVia is telegram and no chat is linked yet: give it, or link a chat with POST /api/v1/providers/me/telegram-link first."],
                });
            }

            var destinations = await verification.StartAsync(saved, cancellationToken);
            var logger = loggers.CreateLogger(typeof(ProviderEndpoints));
            var unproven = destinations.Count(d => d.State != VerificationState.Verified);
            LogConfigSaved(logger, provider, body.NotifyVia, unproven);
            return TypedResults.Ok(NotificationConfigResponse.From(saved, destinations));
        }
    }

    private static async Task<Results<Ok<DestinationResponse>, Accepted<DestinationResponse>, ValidationProblem, ProblemHttpResult>> VerifyAsync(
        ClaimsPrincipal user, HttpRequest request, ProviderStore store, DestinationStore destinations, DestinationVerification verification,
        CancellationToken cancellationToken)
    {
        string? channelName;
        string? code;
        try
        {
            using var document = await StrictJson.ParseAsync(request.Body, NotificationConfigValidator.NoDuplicateFields, cancellationToken);
            (channelName, code) = VerifyRequest.Read(document.RootElement, out var errors);
            if (errors.Count > 0)
            {
                return Invalid(errors);
            }
        }
        catch (JsonException ex)
        {
            return Invalid(new() { ["body"] = [$"The body is not valid JSON: {ex.Message}"] });
        }

        var provider = user.ProviderKey();
        var channel = NotificationChannels.Parse(channelName)!.Value;
        var address = (await store.GetConfigAsync(provider, cancellationToken))?.AddressFor(channel);
        if (address is null)
        {
            return TypedResults.Problem(title: "No such destination",
                detail: $"The notification config names no {channel.Name()} destination; set it with PUT /api/v1/providers/me/notification-config first.",
                statusCode: StatusCodes.Status404NotFound);
        }

        if (code is null)
        {
            var sent = await verification.SendAsync(provider, channel, address, cancellationToken);
            return sent.State == VerificationState.LimitReached
                ? TypedResults.Problem(title: "Too many verification messages",
                    detail: "The limit on verification messages for this provider or destination is reached; try again later.",
                    statusCode: StatusCodes.Status429TooManyRequests)
                : TypedResults.Accepted((string?)null, DestinationResponse.From(sent));
        }

        var check = await destinations.CheckCodeAsync(provider, channel, address, code, cancellationToken);
        return check switch
        {
            CodeCheck.Verified or CodeCheck.AlreadyVerified => TypedResults.Ok(DestinationResponse.From(new DestinationStatus(channel, address, VerificationState.Verified, null))),
            CodeCheck.WrongCode => Invalid(new() { ["code"] = ["The code is wrong. Check the last code sent to this destination."] }),
            CodeCheck.Expired => Invalid(new() { ["code"] = ["The code has expired; ask for a new one: POST this endpoint with the channel and no code."] }),
            CodeCheck.TooManyAttempts => Invalid(new() { ["code"] = ["Too many wrong codes: this code is spent. Ask for a new one: POST this endpoint with the channel and no code."] }),
            _ => Invalid(new() { ["code"] = ["No code was sent to this destination; ask for one: POST this endpoint with the channel and no code."] }),
        };
    }

    private static ContentHttpResult EmailConfirmationPage(string token) => TypedResults.Content(
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Confirm your e-mail address</title></head>
        <body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
        <h1>Confirm your e-mail address</h1>
        <p>Press the button to receive SupportRelay handoff notifications at this address. If you did not ask for this, close this page: nothing will be sent to you.</p>
        <form method="post" action="{{System.Net.WebUtility.HtmlEncode(Uri.EscapeDataString(token))}}"><button type="submit">Confirm this address</button></form>
        </body></html>
        """, "text/html; charset=utf-8");

    private static async Task<IResult> ConfirmEmailAsync(string token, DestinationStore destinations, CancellationToken cancellationToken)
    {
        var confirmed = token.Length <= 64 ? await destinations.RedeemLinkAsync(token, NotificationChannel.Email, null, cancellationToken) : null;
        var (status, title, text) = confirmed is null
            ? (StatusCodes.Status404NotFound, "Link expired", "This confirmation link has expired or was used already. Ask for a new code where you set up your notifications.")
            : (StatusCodes.Status200OK, "Address confirmed", "Thank you: handoff notifications will now reach this address.");
        return TypedResults.Content(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem"><h1>{title}</h1><p>{text}</p></body></html>
            """, "text/html; charset=utf-8", statusCode: status);
    }

    private static async Task<Results<Ok<TelegramLinkResponse>, ProblemHttpResult>> CreateTelegramLinkAsync(
        ClaimsPrincipal user, ProviderStore store, IOptions<SupportRelay.Telegram.TelegramOptions> telegram, IOptions<ProviderApiOptions> api,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var botUsername = telegram.Value.BotUsername;
        if (string.IsNullOrEmpty(botUsername))
        {
            return TypedResults.Problem(
                title: "Telegram is not configured",
                detail: "The operator has not set Telegram:BotUsername, so there is no bot to link to.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // 192 random bits as base64url: 32 characters, inside Telegram's /start payload alphabet
        // (A-Z a-z 0-9 _ -) and its 64-character limit.
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        // Whole milliseconds, as stored, so the answer and the database agree.
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((time.GetUtcNow() + api.Value.TelegramLinkLifetime).ToUnixTimeMilliseconds());
        await store.CreateTelegramLinkCodeAsync(user.ProviderKey(), code, expiresAt, cancellationToken);
        return TypedResults.Ok(new TelegramLinkResponse(code, new Uri($"https://t.me/{botUsername}?start={code}"), expiresAt));
    }

    private static async Task<Results<Ok<NotificationTestResponse>, ProblemHttpResult>> SendTestAsync(
        ClaimsPrincipal user, HttpContext context, ProviderStore store, DestinationStore destinations, NotificationDispatcher dispatcher,
        MessageBudget budget, CancellationToken cancellationToken)
    {
        var provider = user.ProviderKey();
        var config = await store.GetConfigAsync(provider, cancellationToken);
        if (config is null)
        {
            return NoConfig();
        }

        var channel = config.NotifyVia;
        var address = config.AddressFor(channel);
        // Only a proven destination is tested (and counted): anything else would be a message to a stranger.
        if (address is not null && await destinations.IsProvenAsync(provider, channel, address, cancellationToken)
            && await budget.TrySpendAsync(provider, MessageLog.Test, channel, address, cancellationToken) is { } refusal)
        {
            context.Response.Headers.RetryAfter = ((int)refusal.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(title: "Too many test notifications", detail: $"Limit reached ({refusal.Limit}); try again later.",
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        var result = await dispatcher.SendAsync(provider, channel, address, new NotificationContent(
            "SupportRelay test notification",
            "This is a test notification from SupportRelay. Handoffs of your customers' conversations will arrive here."),
            cancellationToken);
        return TypedResults.Ok(new NotificationTestResponse(result.Accepted, channel.Name(), result.Error));
    }

    private static ProblemHttpResult NoConfig() => TypedResults.Problem(
        title: "No notification config",
        detail: "This provider has no notification config yet; create it with PUT /api/v1/providers/me/notification-config.",
        statusCode: StatusCodes.Status404NotFound);

    internal static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        detail: $"Invalid field{(errors.Count == 1 ? "" : "s")}: {string.Join(", ", errors.Keys)}.",
        title: "Invalid request");

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} saved its notification config (via {NotifyVia}; {Unproven} destinations not yet verified)")]
    private static partial void LogConfigSaved(ILogger logger, string provider, string notifyVia, int unproven);
}
