using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
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
    public const string TestPath = "/api/v1/providers/me/notification-test";

    public static RouteGroupBuilder MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/providers/me")
            .WithTags("Providers")
            .RequireAuthorization(PolicyName)
            .WithMetadata(new RequiresSignatureMetadata())
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/notification-config", GetConfigAsync)
            .WithName("GetNotificationConfig")
            .WithSummary("The provider's notification settings")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/notification-config", PutConfigAsync)
            .WithName("PutNotificationConfig")
            .WithSummary("Create or replace the provider's notification settings (the first one registers the provider)")
            .Accepts<NotificationConfigRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        group.MapPost("/telegram-link", CreateTelegramLinkAsync)
            .WithName("CreateTelegramLink")
            .WithSummary("A one-time deep link that links the provider's Telegram chat")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/notification-test", SendTestAsync)
            .WithName("SendTestNotification")
            .WithSummary("Send a test notification through the configured channel")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    internal static string ProviderKey(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The endpoint runs without a signed-request identity.");

    private static async Task<Results<Ok<NotificationConfigResponse>, ProblemHttpResult>> GetConfigAsync(
        ClaimsPrincipal user, ProviderStore store, CancellationToken cancellationToken)
    {
        var config = await store.GetConfigAsync(user.ProviderKey(), cancellationToken);
        return config is null
            ? NoConfig()
            : TypedResults.Ok(NotificationConfigResponse.From(config));
    }

    private static async Task<Results<Ok<NotificationConfigResponse>, ValidationProblem>> PutConfigAsync(
        ClaimsPrincipal user, HttpRequest request, ProviderStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
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
            var (body, errors) = NotificationConfigValidator.Validate(document.RootElement);
            if (body is null)
            {
                return Invalid(errors);
            }

            var provider = user.ProviderKey();
            var saved = await store.SaveConfigAsync(provider, body.ChatwootPortalSlug, ProviderStore.ParseChannel(body.NotifyVia)!.Value,
                body.TelegramChatId, body.NotifyPhone, body.NotifyEmail, cancellationToken);
            if (saved is null)
            {
                return Invalid(new()
                {
                    ["telegramChatId"] = ["Required when notifyVia is telegram and no chat is linked yet: give it, or link a chat with POST /api/v1/providers/me/telegram-link first."],
                });
            }

            var logger = loggers.CreateLogger(typeof(ProviderEndpoints));
            LogConfigSaved(logger, provider, body.NotifyVia);
            return TypedResults.Ok(NotificationConfigResponse.From(saved));
        }
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
        ClaimsPrincipal user, ProviderStore store, INotificationSender sender, CancellationToken cancellationToken)
    {
        var config = await store.GetConfigAsync(user.ProviderKey(), cancellationToken);
        if (config is null)
        {
            return NoConfig();
        }

        var result = await sender.SendAsync(config, new NotificationContent(
            "SupportRelay test notification",
            "This is a test notification from SupportRelay. Handoffs of your customers' conversations will arrive here."),
            cancellationToken);
        return TypedResults.Ok(new NotificationTestResponse(result.Accepted, ProviderStore.ChannelName(config.NotifyVia), result.Error));
    }

    private static ProblemHttpResult NoConfig() => TypedResults.Problem(
        title: "No notification config",
        detail: "This provider has no notification config yet; create it with PUT /api/v1/providers/me/notification-config.",
        statusCode: StatusCodes.Status404NotFound);

    internal static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        detail: $"Invalid field{(errors.Count == 1 ? "" : "s")}: {string.Join(", ", errors.Keys)}.",
        title: "Invalid request");

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} saved its notification config (via {NotifyVia})")]
    private static partial void LogConfigSaved(ILogger logger, string provider, string notifyVia);
}
