using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using SupportRelay.HelpCenter;

namespace SupportRelay.Chatwoot;

/// <summary>A failed Chatwoot call, with what the caller needs to decide between retrying and giving up.</summary>
public sealed class ChatwootException(string message, HttpStatusCode? status, bool outcomeUnknown, Exception? inner = null, string? body = null,
    ChatwootMisconfiguration? misconfiguration = null)
    : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>
    /// True when the request may have been carried out: a timeout, a dropped connection, or a 5xx answer to a
    /// call that changes something (Chatwoot, or a proxy before it, may have acted before failing).
    /// </summary>
    public bool OutcomeUnknown { get; } = outcomeUnknown;

    /// <summary>True when no call was made: the circuit breaker is open after repeated failures.</summary>
    public bool CircuitOpen => InnerException is Polly.CircuitBreaker.BrokenCircuitException;

    /// <summary>The start of Chatwoot's error body (never logged: it may repeat what was sent).</summary>
    public string? Body { get; } = body;

    /// <summary>Set when the refusal comes from a wrong setting (ours or Chatwoot's), which no retry cures.</summary>
    public ChatwootMisconfiguration? Misconfiguration { get; } = misconfiguration;

    /// <summary>
    /// Chatwoot's per-conversation message limit (<c>Message#prevent_message_flooding</c>, 200 a minute by
    /// default): a 422 whose body says "Too many messages". Every other 422 of a message create is a refusal
    /// of the message itself (<c>render_could_not_create_error</c>), which posting again cannot change.
    /// </summary>
    public bool IsFloodLimit => Status == HttpStatusCode.UnprocessableEntity && Body?.Contains("Too many messages", StringComparison.Ordinal) == true;

    /// <summary>True when trying again cannot help (the conversation is gone, the token is refused, the message is invalid...).</summary>
    public bool IsPermanent => Status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        or HttpStatusCode.NotFound or HttpStatusCode.Gone
        || (Status == HttpStatusCode.UnprocessableEntity && !IsFloodLimit);
}

/// <summary>A published Help Center portal as the account API describes it.</summary>
public sealed record PortalInfo(string Slug, string? DefaultLocale, IReadOnlyList<string> AllowedLocales);

/// <summary>
/// A conversation as the account API lists it; <see cref="LastActivityAt"/> is null when the version does not say.
/// <see cref="LastMessage"/> is its last message that is not an activity (<c>last_non_activity_message</c>, else the
/// last of <c>messages</c>), <see cref="Listed"/> the list's item itself (the conversation's fields, as a webhook's
/// <c>conversation</c> carries them).
/// </summary>
public sealed record ChatwootConversationSummary(long Id, string Status, DateTimeOffset? LastActivityAt, string? ProviderPubkey, string? ContractId,
    long? InboxId = null)
{
    public ListedMessage? LastMessage { get; init; }

    public JsonElement Listed { get; init; }
}

/// <summary>A message as the conversations list shows it (<c>push_event_data</c>: <c>message_type</c> a number, <c>created_at</c> Unix seconds).</summary>
public sealed record ListedMessage(long Id, MessageType Type, bool Private, DateTimeOffset? CreatedAt, JsonElement Json);

/// <summary>
/// The typed client of Chatwoot's REST API. Replies and handoffs use the agent bot's token; setup and
/// portal lookups use the user token. Retries of unsafe calls belong to the outbox, not to this client.
/// </summary>
public sealed class ChatwootClient(HttpClient http, IOptionsMonitor<ChatwootOptions> options)
{
    private ChatwootOptions Options => options.CurrentValue;

    public Task<long?> CreateMessageAsync(long accountId, long conversationId, string content, bool isPrivate, CancellationToken cancellationToken) =>
        CreateMessageAsync(accountId, conversationId, content, isPrivate, null, cancellationToken);

    /// <summary>Posts an outgoing message (a private note when <paramref name="isPrivate"/>); with a file, as Chatwoot's multipart form with <c>attachments[]</c>.</summary>
    public async Task<long?> CreateMessageAsync(long accountId, long conversationId, string content, bool isPrivate, MessageFile? file,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/accounts/{accountId}/conversations/{conversationId}/messages");
        if (file is null)
        {
            request.Content = JsonContent.Create(new CreateMessageRequest(content, "outgoing", isPrivate), ChatwootJsonContext.Default.CreateMessageRequest);
        }
        else
        {
            var attachment = new ByteArrayContent(file.Content);
            attachment.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
            request.Content = new MultipartFormDataContent
            {
                { new StringContent(content), "content" },
                { new StringContent("outgoing"), "message_type" },
                { new StringContent(isPrivate ? "true" : "false"), "private" },
                { attachment, "attachments[]", file.FileName },
            };
        }

        using var response = await SendAsync(request, Options.BotAccessToken, cancellationToken);
        var created = await ReadAsync(response, ChatwootJsonContext.Default.CreatedMessage, cancellationToken);
        return created?.Id;
    }

    public async Task ToggleStatusAsync(long accountId, long conversationId, string status, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/accounts/{accountId}/conversations/{conversationId}/toggle_status")
        {
            Content = JsonContent.Create(new ToggleStatusRequest(status), ChatwootJsonContext.Default.ToggleStatusRequest),
        };
        using var response = await SendAsync(request, Options.BotAccessToken, cancellationToken);
    }

    /// <summary>
    /// The conversation's latest messages (user token: a bot token may not list them), newest last, to see whether
    /// a post whose outcome is unknown was created after all. Null when no user token is configured.
    /// </summary>
    public async Task<IReadOnlyList<PostedMessage>?> ListMessagesAsync(long accountId, long conversationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Options.ApiAccessToken))
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/accounts/{accountId}/conversations/{conversationId}/messages");
        using var response = await SendAsync(request, Options.ApiAccessToken, cancellationToken);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ChatwootException("Chatwoot answered the message list with a body that is not JSON.", response.StatusCode, outcomeUnknown: false, ex);
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("payload", out var payload))
        {
            root = payload;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new ChatwootException("Chatwoot answered the message list without a list of messages.", response.StatusCode, outcomeUnknown: false);
        }

        var messages = new List<PostedMessage>();
        foreach (var item in root.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
        {
            ChatwootPayload.TryInt64(item, "id", out var id);
            var type = item.TryGetProperty("message_type", out var t) ? ChatwootPayload.ReadMessageType(t) : MessageType.Unknown;
            var content = item.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var attachments = item.TryGetProperty("attachments", out var a) && a.ValueKind == JsonValueKind.Array ? a.GetArrayLength() : 0;
            messages.Add(new PostedMessage(id, type, item.TryGetProperty("private", out var p) && p.ValueKind == JsonValueKind.True,
                content, attachments, Timestamp(item, "created_at")));
        }

        return messages;
    }

    /// <summary>
    /// Every published article of a portal in one locale, from the public Help Center JSON route, in one request.
    /// Chatwoot orders them by <c>position</c> alone, and positions are counted per category, so they tie across
    /// categories and PostgreSQL returns ties in no fixed order: pages (<c>per_page</c>) could repeat or skip
    /// articles. Without <c>per_page</c> Chatwoot returns them all (<c>ArticlesController#limit_results</c>).
    /// The request goes to <c>Chatwoot:BaseUrl</c> presenting the Help Center's public host
    /// (<see cref="ChatwootOptions.EffectiveHelpCenterUrl"/>) as <c>X-Forwarded-Host</c>, which Rails takes as the
    /// request's host. An unknown locale is an empty list; a refused host or an unknown portal is a
    /// <see cref="ChatwootException"/> carrying its <see cref="ChatwootMisconfiguration"/>.
    /// </summary>
    public async Task<HelpCenterArticles> GetArticlesAsync(string portalSlug, string locale, CancellationToken cancellationToken)
    {
        var options = Options;
        var helpCenter = options.EffectiveHelpCenterUrl ?? throw new InvalidOperationException("Chatwoot:BaseUrl is not configured.");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"hc/{Uri.EscapeDataString(portalSlug)}/{Uri.EscapeDataString(locale)}/articles.json");
        if (options.BaseUrl is { } api && !string.Equals(api.Authority, helpCenter.Authority, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", helpCenter.Authority);
        }

        HttpResponseMessage response;
        try
        {
            response = await SendAsync(request, token: null, cancellationToken);
        }
        catch (ChatwootException ex) when (ex.Status == HttpStatusCode.Unauthorized && RefusedDomain(ex.Body) is { } host)
        {
            throw new ChatwootException(ex.Message, ex.Status, outcomeUnknown: false, ex, ex.Body, new ChatwootMisconfiguration(ChatwootMisconfiguration.HelpCenterHost,
                $"Chatwoot refused to serve the Help Center on host '{host}' (401 \"Domain: {host} is not registered\"): /hc answers only on the host of "
                + $"Chatwoot's FRONTEND_URL or HELPCENTER_URL, or on a portal's custom domain. The host comes from {options.HelpCenterUrlSource}; set "
                + "Chatwoot:HelpCenterUrl (or Chatwoot:PublicUrl) to that public address. Articles are still fetched from Chatwoot:BaseUrl."));
        }
        catch (ChatwootException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            // An unknown locale is a 200 with no articles; a 404 is Portal.find_by!(slug:, archived: false) failing.
            throw new ChatwootException(ex.Message, ex.Status, outcomeUnknown: false, ex, ex.Body, new ChatwootMisconfiguration(ChatwootMisconfiguration.HelpCenterPortal,
                $"Chatwoot has no Help Center portal '{portalSlug}' (404 on /hc/{portalSlug}/{locale}/articles.json): the slug is wrong or the portal is "
                + "archived. Fix Chatwoot:DefaultPortalSlug or the provider's chatwootPortalSlug, or unarchive the portal in Chatwoot."));
        }

        using var _ = response;
        var body = await ReadAsync(response, ChatwootJsonContext.Default.ArticleList, cancellationToken);
        var items = body?.Payload ?? [];
        var linkBase = new Uri(helpCenter.ToString().TrimEnd('/') + "/");
        var articles = new Dictionary<long, Article>();
        foreach (var item in items)
        {
            if (item.Id is not { } id || string.IsNullOrWhiteSpace(item.Title) || articles.ContainsKey(id))
            {
                continue;
            }

            var key = id.ToString(CultureInfo.InvariantCulture);
            var slug = string.IsNullOrWhiteSpace(item.Slug) ? key : item.Slug;
            // "link" is relative ("hc/{portal}/articles/{slug}"): it is the public Help Center's.
            var link = Uri.TryCreate(item.Link, UriKind.RelativeOrAbsolute, out var given) && !string.IsNullOrWhiteSpace(item.Link)
                ? (given.IsAbsoluteUri ? given : new Uri(linkBase, item.Link!.TrimStart('/')))
                : new Uri(linkBase, $"hc/{Uri.EscapeDataString(portalSlug)}/articles/{Uri.EscapeDataString(slug)}");
            // Articles carry no locale of their own: it is the category's, and an uncategorized article has none.
            articles[id] = new Article(key, item.Title, item.Content ?? "", item.Description, slug, link.ToString(), item.Category?.Locale ?? locale);
        }

        // Ties come back in any order: a fixed one keeps the index (and its hash) the same from one fetch to the next.
        return new HelpCenterArticles(articles.OrderBy(a => a.Key).Select(a => a.Value).ToList(), items.Count, body?.Meta?.ArticlesCount);
    }

    /// <summary>The host named in Chatwoot's "Domain: X is not registered with us" refusal, or null for any other 401.</summary>
    private static string? RefusedDomain(string? body)
    {
        const string Marker = "is not registered with us";
        var end = body?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (body is null || end < 0)
        {
            return null;
        }

        var start = body.LastIndexOf("Domain: ", end, StringComparison.Ordinal);
        return start < 0 ? "?" : body[(start + "Domain: ".Length)..end].Trim();
    }

    /// <summary>The portal's locales, when a user token is configured; null when it cannot be known.</summary>
    public async Task<PortalInfo?> GetPortalAsync(long accountId, string portalSlug, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Options.ApiAccessToken))
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/accounts/{accountId}/portals/{Uri.EscapeDataString(portalSlug)}");
        using var response = await SendAsync(request, Options.ApiAccessToken, cancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = document.RootElement;
        if (root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object)
        {
            root = payload;
        }

        var config = root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        string? defaultLocale = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("default_locale", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var allowed = new List<string>();
        if (config.ValueKind == JsonValueKind.Object && config.TryGetProperty("allowed_locales", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                var code = entry.ValueKind == JsonValueKind.String ? entry.GetString()
                    : entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("code", out var code2) ? code2.GetString() : null;
                if (!string.IsNullOrEmpty(code))
                {
                    allowed.Add(code);
                }
            }
        }

        return new PortalInfo(portalSlug, defaultLocale, allowed);
    }

    /// <summary>
    /// One page of the account's conversations of a status (<c>open</c>, <c>pending</c>), most recent activity first,
    /// with the user token (a bot token cannot list). <c>GET /api/v1/accounts/{id}/conversations</c> answers
    /// <c>{"data":{"meta":{...},"payload":[conversation...]}}</c> in current versions; older ones answered
    /// <c>{"payload":[...]}</c> or a bare array, so all three are read. Chatwoot pages by 25; an empty page is the end.
    /// </summary>
    public async Task<IReadOnlyList<ChatwootConversationSummary>> ListConversationsAsync(long accountId, string status, int page, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/v1/accounts/{accountId}/conversations?status={Uri.EscapeDataString(status)}&assignee_type=all&sort_by=last_activity_at_desc&page={page.ToString(CultureInfo.InvariantCulture)}");
        using var response = await SendAsync(request, Options.ApiAccessToken, cancellationToken);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ChatwootException("Chatwoot answered the conversation list with a body that is not JSON.", response.StatusCode, outcomeUnknown: false, ex);
        }

        foreach (var wrapper in new[] { "data", "payload" })
        {
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(wrapper, out var inner) && inner.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                root = inner;
            }
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new ChatwootException("Chatwoot answered the conversation list without a list of conversations.", response.StatusCode, outcomeUnknown: false);
        }

        var conversations = new List<ChatwootConversationSummary>();
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var conversation = ChatwootPayload.ReadConversationEvent(item);
            if (conversation.ConversationId > 0)
            {
                conversations.Add(new ChatwootConversationSummary(conversation.ConversationId, conversation.Status.ToLowerInvariant(),
                    Timestamp(item, "last_activity_at") ?? Timestamp(item, "timestamp"), conversation.ProviderPubkey, conversation.ContractId, conversation.InboxId)
                {
                    LastMessage = LastMessageOf(item),
                    Listed = item.Clone(),
                });
            }
        }

        return conversations;
    }

    /// <summary>The last message that is not an activity: <c>last_non_activity_message</c>, else the last of <c>messages</c> (the last of any kind).</summary>
    private static ListedMessage? LastMessageOf(JsonElement item)
    {
        var message = item.TryGetProperty("last_non_activity_message", out var last) && last.ValueKind == JsonValueKind.Object ? last
            : item.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0 ? messages[messages.GetArrayLength() - 1]
            : default;
        if (message.ValueKind != JsonValueKind.Object || !ChatwootPayload.TryInt64(message, "id", out var id))
        {
            return null;
        }

        var type = message.TryGetProperty("message_type", out var t) ? ChatwootPayload.ReadMessageType(t) : MessageType.Unknown;
        return new ListedMessage(id, type, message.TryGetProperty("private", out var p) && p.ValueKind == JsonValueKind.True, Timestamp(message, "created_at"), message.Clone());
    }

    /// <summary>Unix seconds (a number or a numeric string), or an ISO 8601 string.</summary>
    private static DateTimeOffset? Timestamp(JsonElement item, string name)
    {
        if (ChatwootPayload.TryInt64(item, name, out var seconds) && seconds > 0)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
               && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>Sends a call of the account API with the user token (setup); the body is returned parsed.</summary>
    public async Task<JsonElement> SendAdminAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), SetupJson.Options), System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await SendAsync(request, Options.ApiAccessToken, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.TryAddWithoutValidation("api_access_token", token);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            // The connection failed: it may have failed before or after Chatwoot acted on the request.
            var unknown = ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError);
            throw new ChatwootException($"Chatwoot is unreachable ({ex.HttpRequestError}).", null, unknown, ex);
        }
        catch (Exception ex) when (ex is TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   && !cancellationToken.IsCancellationRequested)
        {
            throw new ChatwootException("Chatwoot did not answer in time.", null, outcomeUnknown: true, ex);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException ex)
        {
            throw new ChatwootException("Chatwoot has been failing; calls are paused.", HttpStatusCode.ServiceUnavailable, outcomeUnknown: false, ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            string? body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
                body = body.Length <= 2000 ? body : body[..2000];
            }
            catch (HttpRequestException)
            {
                body = null;
            }

            response.Dispose();
            var unknown = (int)status >= 500 && request.Method != HttpMethod.Get;
            throw new ChatwootException($"Chatwoot answered {(int)status} to {request.Method} {request.RequestUri?.AbsolutePath}.", status, unknown, body: body);
        }

        return response;
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new ChatwootException("Chatwoot answered with a body that is not the expected JSON.", response.StatusCode, outcomeUnknown: false, ex);
        }
    }
}

/// <summary>A message as Chatwoot lists it: enough to recognise one we posted.</summary>
public sealed record PostedMessage(long Id, MessageType Type, bool Private, string? Content, int Attachments, DateTimeOffset? CreatedAt);

/// <summary>A file to attach to a message.</summary>
public sealed record MessageFile(string FileName, string ContentType, byte[] Content);

internal sealed record CreateMessageRequest(
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("message_type")] string MessageType,
    [property: JsonPropertyName("private")] bool Private);

internal sealed record ToggleStatusRequest([property: JsonPropertyName("status")] string Status);

internal sealed record CreatedMessage([property: JsonPropertyName("id")] long? Id);

internal sealed record ArticleList(
    [property: JsonPropertyName("payload")] List<ArticleItem>? Payload,
    [property: JsonPropertyName("meta")] ArticleMeta? Meta);

internal sealed record ArticleMeta([property: JsonPropertyName("articles_count")] int? ArticlesCount);

internal sealed record ArticleItem(
    [property: JsonPropertyName("id")] long? Id,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("content")] string? Content,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("slug")] string? Slug,
    [property: JsonPropertyName("link")] string? Link,
    [property: JsonPropertyName("category")] ArticleCategory? Category);

internal sealed record ArticleCategory([property: JsonPropertyName("locale")] string? Locale);

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(CreateMessageRequest))]
[JsonSerializable(typeof(ToggleStatusRequest))]
[JsonSerializable(typeof(CreatedMessage))]
[JsonSerializable(typeof(ArticleList))]
internal sealed partial class ChatwootJsonContext : JsonSerializerContext;

internal static class SetupJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
