using System.Buffers;
using System.Text.Json;

namespace SupportRelay.Inbox;

/// <summary>What every webhook shares: its route and documented errors, and its raw body (the signature covers the bytes), read up to a limit.</summary>
public static class WebhookBody
{
    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 4096);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Maps <c>POST /api/v1/webhooks/{name}</c> with what every webhook answers: a JSON body, and
    /// ProblemDetails for bad input (400), authentication (401), size (413) and storage that did not answer in
    /// time (429 for Chatwoot, which retries only that and 500; 503 for Telegram, which retries anything). No antiforgery: the
    /// caller is a server that authenticates otherwise.
    /// </summary>
    public static RouteHandlerBuilder MapWebhook(this IEndpointRouteBuilder app, string name, Delegate handler, string summary, string description) =>
        app.MapGroup("/api/v1/webhooks").WithTags("Webhooks")
            .MapPost("/" + name, handler)
            .WithSummary(summary)
            .WithDescription(description)
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
}
