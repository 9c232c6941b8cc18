using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Inbox;
using SupportRelay.Operations;
using SupportRelay.Text;

namespace SupportRelay.Telegram;

/// <summary>
/// <c>POST /api/v1/webhooks/telegram</c>: check <c>X-Telegram-Bot-Api-Secret-Token</c> in constant time,
/// store the update once per <c>update_id</c>, answer 200 at once (a non-200 makes Telegram retry).
/// </summary>
public static class TelegramWebhookEndpoints
{
    public const string Source = "telegram";
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public static IEndpointRouteBuilder MapTelegramWebhook(this IEndpointRouteBuilder app)
    {
        app.MapWebhook(Source, ReceiveAsync,
            "Receives Telegram Bot API updates",
            "Requires X-Telegram-Bot-Api-Secret-Token equal to Telegram:WebhookSecret (every update is refused while it is unset). Each update is stored once per update_id.");
        return app;
    }

    private static async Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request,
        InboxStore inbox,
        IOptionsMonitor<TelegramOptions> options,
        SupportRelayMetrics metrics,
        CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (string.IsNullOrEmpty(settings.WebhookSecret))
        {
            metrics.WebhookRejected(Source, "not_configured");
            return Problem(StatusCodes.Status401Unauthorized, "Webhook secret not configured", "Telegram:WebhookSecret is not set, so every update is refused.");
        }

        if (!SecretComparison.Matches(request.Headers[SecretHeader].ToString(), settings.WebhookSecret))
        {
            metrics.WebhookRejected(Source, "bad_secret");
            return Problem(StatusCodes.Status401Unauthorized, "Bad secret token", $"{SecretHeader} is missing or wrong.");
        }

        var body = await WebhookBody.ReadAsync(request, settings.MaxWebhookBytes, cancellationToken);
        if (body is null)
        {
            metrics.WebhookRejected(Source, "too_large");
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"An update may be at most {settings.MaxWebhookBytes} bytes.");
        }

        long updateId;
        long? chatId;
        try
        {
            using var document = StrictJson.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("update_id", out var id) || id.ValueKind != JsonValueKind.Number
                || !id.TryGetInt64(out updateId) || updateId < 0)
            {
                metrics.WebhookRejected(Source, "invalid_update");
                return Problem(StatusCodes.Status400BadRequest, "Invalid update", "The body must be a JSON object with a non-negative integer 'update_id'.");
            }

            chatId = ChatIdOf(root);
        }
        catch (JsonException ex)
        {
            metrics.WebhookRejected(Source, "malformed_json");
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {ex.Message}");
        }

        bool stored;
        try
        {
            stored = await inbox.StoreAsync(Source, updateId.ToString(CultureInfo.InvariantCulture), TelegramUpdateHandler.EventType,
                chatId is null ? null : $"telegram:{chatId.Value.ToString(CultureInfo.InvariantCulture)}", Encoding.UTF8.GetString(body), cancellationToken);
        }
        catch (IntakeUnavailableException)
        {
            // Telegram retries any answer but 200.
            metrics.WebhookRejected(Source, "storage_unavailable");
            return ChatwootWebhookEndpoints.StorageUnavailable(request.HttpContext, StatusCodes.Status503ServiceUnavailable);
        }

        metrics.WebhookReceived(Source, stored ? "stored" : "duplicate");
        return TypedResults.Ok(new WebhookAccepted(stored ? "accepted" : "duplicate"));
    }

    /// <summary>The chat of a message or of a button's message: updates of one chat are handled in order.</summary>
    public static long? ChatIdOf(JsonElement update)
    {
        foreach (var path in new[] { new[] { "message", "chat" }, new[] { "callback_query", "message", "chat" }, new[] { "edited_message", "chat" } })
        {
            var element = update;
            foreach (var name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    element = default;
                    break;
                }
            }

            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id)
                && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var chat))
            {
                return chat;
            }
        }

        return null;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
