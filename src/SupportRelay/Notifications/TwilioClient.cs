using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SupportRelay.Notifications;

/// <summary>A failed Twilio call: its HTTP status, Twilio's numeric error code, and whether to retry.</summary>
public sealed class TwilioException(string message, int? status, int? code, bool permanent, TimeSpan? retryAfter, Exception? inner = null)
    : Exception(message, inner)
{
    public int? Status { get; } = status;

    public int? Code { get; } = code;

    public bool Permanent { get; } = permanent;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Twilio's Messages API (the SDK is not on our registry; the call is one form POST). Basic auth is
/// added by <see cref="TwilioAuthHandler"/>. Not retried here: the outbox retries.
/// </summary>
public sealed class TwilioClient(HttpClient http, IOptionsMonitor<TwilioOptions> options)
{
    // Errors that no retry fixes: invalid or unreachable numbers, unsubscribed recipients, bad sender, auth.
    private static readonly HashSet<int> PermanentCodes = [20003, 21211, 21408, 21601, 21602, 21603, 21604, 21606, 21610, 21612, 21614, 21659];

    /// <summary>Sends an SMS; returns Twilio's message SID.</summary>
    public async Task<string?> SendSmsAsync(string to, string body, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var from = settings.From!;
        var fields = new List<KeyValuePair<string, string>> { new("To", to), new("Body", body) };
        fields.Add(from.StartsWith("MG", StringComparison.Ordinal) ? new("MessagingServiceSid", from) : new("From", from));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid!)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(fields),
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, deadline.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new TwilioException($"Twilio is unreachable ({ex.HttpRequestError}).", null, null, permanent: false, retryAfter: null, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TwilioException("Twilio did not answer in time.", null, null, permanent: false, retryAfter: null, ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return ReadString(text, "sid");
            }

            var status = (int)response.StatusCode;
            var code = ReadInt(text, "code");
            var permanent = (code is { } c && PermanentCodes.Contains(c))
                || (status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            // Twilio's message text may repeat the phone number: keep only the status and the code.
            throw new TwilioException($"Twilio answered {status}{(code is null ? "" : $" (error {code})")}",
                status, code, permanent, retryAfter);
        }
    }

    private static string? ReadString(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int? ReadInt(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>HTTP basic auth with the account SID and auth token, on every Twilio call.</summary>
public sealed class TwilioAuthHandler(IOptionsMonitor<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        return base.SendAsync(request, cancellationToken);
    }
}
