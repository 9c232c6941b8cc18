using Microsoft.Extensions.Options;

namespace SupportRelay.Answering;

/// <summary>
/// Sends the key the way Anthropic's API documents it, in <c>x-api-key</c>. The Anthropic SDK (13.x)
/// puts an API key in <c>Authorization: Bearer</c>, which api.anthropic.com keeps for OAuth tokens
/// and refuses for API keys ("invalid bearer token"). On the LLM client, for <c>Llm:Provider=anthropic</c> only.
/// </summary>
public sealed class AnthropicApiKeyHandler(IOptions<LlmOptions> options) : DelegatingHandler
{
    public const string HeaderName = "x-api-key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var llm = options.Value;
        if (llm.Provider == "anthropic" && !string.IsNullOrEmpty(llm.ApiKey))
        {
            request.Headers.Authorization = null;
            request.Headers.Remove(HeaderName);
            request.Headers.TryAddWithoutValidation(HeaderName, llm.ApiKey);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
