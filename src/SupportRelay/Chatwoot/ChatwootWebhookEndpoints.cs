using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SupportRelay.Inbox;
using SupportRelay.Operations;
using SupportRelay.Text;

namespace SupportRelay.Chatwoot;

/// <summary>What the webhook answers: the event was stored, was a redelivery, or is not one we handle.</summary>
public sealed record WebhookAccepted(string Status);

/// <summary>
/// <c>POST /api/v1/webhooks/chatwoot</c>: authenticate, validate, store once, answer at once. The
/// bot's work happens in the background (Chatwoot gives a webhook 5 seconds).
/// </summary>
public static class ChatwootWebhookEndpoints
{
    public const string Source = "chatwoot";

    /// <summary>Chatwoot sends a UUID; anything much longer is not Chatwoot.</summary>
    private const int MaxDeliveryIdLength = 200;

    public static IEndpointRouteBuilder MapChatwootWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhook(Source, ReceiveAsync,
            "Receives Chatwoot agent-bot and account webhooks",
            "Authenticated by X-Chatwoot-Signature and X-Chatwoot-Timestamp (HMAC-SHA256 of \"{timestamp}.{body}\"), or by ?token= for Chatwoot that cannot sign. Each event is stored once per X-Chatwoot-Delivery.");
        return app;
    }

    private static async Task<Results<Ok<WebhookAccepted>, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request,
        [FromQuery] string? token,
        WebhookAuthenticator authenticator,
        InboxStore inbox,
        TimeProvider time,
        IOptionsMonitor<ChatwootOptions> options,
        SupportRelayMetrics metrics,
        CancellationToken cancellationToken)
    {
        var limit = options.CurrentValue.MaxWebhookBytes;
        var body = await WebhookBody.ReadAsync(request, limit, cancellationToken);
        if (body is null)
        {
            metrics.WebhookRejected(Source, "too_large");
            return Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A webhook body may be at most {limit} bytes.");
        }

        var signature = request.Headers["X-Chatwoot-Signature"].ToString();
        var rejection = authenticator.Authenticate(signature, request.Headers["X-Chatwoot-Timestamp"].ToString(), token, body, out var bySignature);
        if (rejection != WebhookRejection.None)
        {
            metrics.WebhookRejected(Source, rejection.ToString());
            return rejection switch
            {
                WebhookRejection.NotConfigured => Problem(StatusCodes.Status401Unauthorized, "Webhook secret not configured",
                    "Chatwoot:WebhookSecret is not set, so every event is refused."),
                WebhookRejection.MissingCredentials => Problem(StatusCodes.Status401Unauthorized, "Missing authentication",
                    "Send X-Chatwoot-Signature with X-Chatwoot-Timestamp, or ?token= in the webhook URL."),
                WebhookRejection.MalformedSignature => Problem(StatusCodes.Status400BadRequest, "Malformed signature",
                    "X-Chatwoot-Signature must be 'sha256=<hex>' and X-Chatwoot-Timestamp Unix seconds."),
                WebhookRejection.StaleTimestamp => Problem(StatusCodes.Status401Unauthorized, "Stale timestamp",
                    "X-Chatwoot-Timestamp is outside the accepted window; the event may be a replay."),
                WebhookRejection.BadSignature => Problem(StatusCodes.Status401Unauthorized, "Bad signature",
                    "X-Chatwoot-Signature does not match the body."),
                _ => Problem(StatusCodes.Status401Unauthorized, "Bad token", "The webhook token is wrong."),
            };
        }

        JsonDocument document;
        try
        {
            document = StrictJson.Parse(body);
        }
        catch (JsonException ex)
        {
            metrics.WebhookRejected(Source, "malformed_json");
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var delivery = request.Headers["X-Chatwoot-Delivery"].ToString();
            if (delivery.Length > MaxDeliveryIdLength)
            {
                metrics.WebhookRejected(Source, "invalid_event");
                return Problem(StatusCodes.Status400BadRequest, "Invalid event", $"X-Chatwoot-Delivery may be at most {MaxDeliveryIdLength} characters.");
            }

            var envelope = ChatwootPayload.ReadEnvelope(document.RootElement, delivery, body, out var problem, options.CurrentValue.AccountId);
            if (envelope is null)
            {
                metrics.WebhookRejected(Source, "invalid_event");
                return Problem(StatusCodes.Status400BadRequest, "Invalid event", problem!);
            }

            if (envelope.EventKey.Length == 0)
            {
                metrics.WebhookReceived(Source, "ignored");
                return TypedResults.Ok(new WebhookAccepted("ignored"));
            }

            try
            {
                // A signed event replayed under a fresh X-Chatwoot-Delivery within the window is still the same
                // event: its signature is remembered until its timestamp leaves the window. (Chatwoot's own retries
                // sign afresh and keep the delivery id, which deduplicates them.)
                var stored = await inbox.StoreAsync(Source, envelope.EventKey, $"{Source}.{envelope.EventType}", envelope.OrderingKey,
                    Encoding.UTF8.GetString(body), cancellationToken,
                    bySignature ? signature.ToLowerInvariant() : null, time.GetUtcNow() + (2 * options.CurrentValue.SignatureTolerance));
                metrics.WebhookReceived(Source, stored ? "stored" : "duplicate");
                return TypedResults.Ok(new WebhookAccepted(stored ? "accepted" : "duplicate"));
            }
            catch (IntakeUnavailableException)
            {
                metrics.WebhookRejected(Source, "storage_unavailable");
                return StorageUnavailable(request.HttpContext);
            }
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>
    /// The event was not stored in time: never a 200 for something not stored. Chatwoot retries an agent-bot
    /// delivery on 429 and 500 only (<c>lib/webhooks/trigger.rb</c>), and a 500 is no answer of ours: 429.
    /// </summary>
    public static ProblemHttpResult StorageUnavailable(HttpContext context, int status = StatusCodes.Status429TooManyRequests)
    {
        context.Response.Headers.RetryAfter = "3";
        return TypedResults.Problem(title: "Storage unavailable",
            detail: "The event could not be stored in time; it was not accepted. Send it again.", statusCode: status);
    }
}
