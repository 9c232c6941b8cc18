using System.Text.Json;

namespace SupportRelay.Chatwoot;

/// <summary>What <c>setup chatwoot</c> did; secrets are printed once so the operator can configure them.</summary>
public sealed record SetupReport(
    long AgentBotId,
    string AgentBotAction,
    string? AgentBotAccessToken,
    string? AgentBotSecret,
    IReadOnlyList<long> Inboxes,
    long WebhookId,
    string WebhookAction,
    string? WebhookSecret,
    IReadOnlyList<string> NextSteps)
{
    /// <summary>Whether the Help Center reads as the service will read it.</summary>
    public HelpCenterCheck? HelpCenter { get; init; }
}

/// <summary>
/// The Help Center as the service reads it: <see cref="Status"/> is <c>ok</c>, <c>misconfigured</c> (then
/// <see cref="Problem"/> is the configuration problem's name), <c>unreachable</c> or <c>not_configured</c>;
/// <see cref="Detail"/> says what to fix.
/// </summary>
public sealed record HelpCenterCheck(string Status, string? Problem, string? Portal, string? Locale, string? Host, int? Articles, string? Detail)
{
    public bool IsOk => Status == "ok";
}

/// <summary>
/// Creates or updates the agent bot whose outgoing URL is ours, attaches it to the inboxes, and
/// registers the account webhook for status changes. Running it twice changes nothing the second time.
/// </summary>
public sealed class ChatwootSetup(ChatwootClient client, long accountId)
{
    public async Task<SetupReport> RunAsync(string webhookUrl, string botName, IReadOnlyList<long> inboxIds, CancellationToken cancellationToken)
    {
        var account = $"api/v1/accounts/{accountId}";
        var bots = Items(await client.SendAdminAsync(HttpMethod.Get, $"{account}/agent_bots", null, cancellationToken), "agent_bots");
        var existingBot = bots.FirstOrDefault(b => Text(b, "outgoing_url") is { } u && SamePath(u, webhookUrl))
            is { ValueKind: JsonValueKind.Object } found ? found
            : bots.FirstOrDefault(b => Text(b, "name") == botName);
        var botBody = new { name = botName, description = "Answers from the Help Center and hands off to a person.", outgoingUrl = webhookUrl };
        var (bot, botAction) = await UpsertAsync($"{account}/agent_bots", existingBot, botBody, cancellationToken);
        var agentBotId = Id(bot) ?? Id(existingBot) ?? throw new ChatwootException("Chatwoot did not return the agent bot's id.", null, false);

        var targets = inboxIds.Count > 0
            ? inboxIds.ToList()
            : Items(await client.SendAdminAsync(HttpMethod.Get, $"{account}/inboxes", null, cancellationToken), "inboxes")
                .Select(Id).OfType<long>().ToList();
        foreach (var inbox in targets)
        {
            await client.SendAdminAsync(HttpMethod.Post, $"{account}/inboxes/{inbox}/set_agent_bot", new { agentBot = agentBotId }, cancellationToken);
        }

        var webhooks = Items(await client.SendAdminAsync(HttpMethod.Get, $"{account}/webhooks", null, cancellationToken), "webhooks");
        var existingHook = webhooks.FirstOrDefault(w => Text(w, "url") is { } u && SamePath(u, webhookUrl));
        var hookBody = new { url = webhookUrl, subscriptions = Cli.SetupCommands.AccountWebhookEvents, name = botName };
        var (hook, hookAction) = await UpsertAsync($"{account}/webhooks", existingHook, hookBody, cancellationToken);
        hook = Unwrap(hook, "webhook");
        var botSecret = Text(bot, "secret") ?? Text(existingBot, "secret");
        var hookSecret = Text(hook, "secret") ?? Text(existingHook, "secret");
        var steps = new List<string>();
        if (botSecret is not null || hookSecret is not null)
        {
            steps.Add("Set Chatwoot:WebhookSecret to the secrets below, comma-separated (agent bot first, then account webhook).");
        }

        if ((botSecret is null || hookSecret is null) && !webhookUrl.Contains("token=", StringComparison.Ordinal))
        {
            // Chatwoot signs account webhooks from 4.12.0 and agent-bot deliveries from 4.13.0 (#13573, #13892).
            steps.Add("Chatwoot returned no secret for the " + (botSecret is null ? "agent bot" : "account webhook")
                + ": it cannot sign (account webhooks sign from 4.12.0, agent bots from 4.13.0). Run setup again with --token-in-url.");
        }

        steps.Add("Set Chatwoot:BotAccessToken to the agent bot's access token (Settings > Bots in Chatwoot, or below when Chatwoot returned it).");
        steps.Add("Chatwoot 4.14.0+ refuses to deliver webhooks to private addresses: if this service is on a private network, set SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true in Chatwoot (4.14.1+; 4.14.0 has no such switch).");
        return new SetupReport(agentBotId, botAction, Text(bot, "access_token") ?? Text(existingBot, "access_token"), botSecret,
            targets, Id(hook) ?? Id(existingHook) ?? 0, hookAction, hookSecret, steps);
    }

    /// <summary>
    /// Reads the portal's articles the way the service does (the public route on <c>Chatwoot:BaseUrl</c>, presenting
    /// the Help Center's host), in the portal's default locale when the account API says which, and says what is wrong.
    /// </summary>
    public async Task<HelpCenterCheck> CheckHelpCenterAsync(ChatwootOptions options, CancellationToken cancellationToken)
    {
        var host = options.EffectiveHelpCenterUrl?.Authority;
        if (string.IsNullOrWhiteSpace(options.DefaultPortalSlug))
        {
            return new HelpCenterCheck("not_configured", null, null, null, host, null,
                "Chatwoot:DefaultPortalSlug is not set: conversations whose provider names no portal are handed off (reason no_portal).");
        }

        var portal = options.DefaultPortalSlug;
        PortalInfo? info = null;
        try
        {
            info = await client.GetPortalAsync(accountId, portal, cancellationToken);
        }
        catch (ChatwootException)
        {
            // The public route below says what is wrong, as the service would meet it.
        }

        var locale = string.IsNullOrWhiteSpace(info?.DefaultLocale) ? options.DefaultLocale : info.DefaultLocale;
        try
        {
            var fetched = await client.GetArticlesAsync(portal, locale, cancellationToken);
            return new HelpCenterCheck("ok", null, portal, locale, host, fetched.Articles.Count, fetched.Articles.Count == 0
                ? $"The portal publishes no article in locale '{locale}': publish some, or set Chatwoot:DefaultLocale to one it has ({string.Join(", ", info?.AllowedLocales ?? [])})."
                : null);
        }
        catch (ChatwootException ex) when (ex.Misconfiguration is { } wrong)
        {
            var detail = wrong.Detail;
            if (wrong.Problem == ChatwootMisconfiguration.HelpCenterPortal)
            {
                var portals = Items(await client.SendAdminAsync(HttpMethod.Get, $"api/v1/accounts/{accountId}/portals", null, cancellationToken), "portals")
                    .Select(p => Text(p, "slug") + (p.TryGetProperty("archived", out var a) && a.ValueKind == JsonValueKind.True ? " (archived)" : ""))
                    .Where(p => p.Length > 0).ToList();
                detail += portals.Count == 0 ? " This account has no portal." : " This account's portals: " + string.Join(", ", portals) + ".";
            }

            return new HelpCenterCheck("misconfigured", wrong.Problem, portal, locale, host, null, detail);
        }
        catch (ChatwootException ex)
        {
            return new HelpCenterCheck("unreachable", null, portal, locale, host, null, $"The Help Center could not be read: {ex.Message}");
        }
    }

    /// <summary>Updates <paramref name="existing"/> when there is one, else creates it under <paramref name="collection"/>.</summary>
    private async Task<(JsonElement Result, string Action)> UpsertAsync(string collection, JsonElement existing, object body, CancellationToken cancellationToken) =>
        existing.ValueKind == JsonValueKind.Object && Id(existing) is { } id
            ? (await client.SendAdminAsync(HttpMethod.Patch, $"{collection}/{id}", body, cancellationToken), "updated")
            : (await client.SendAdminAsync(HttpMethod.Post, collection, body, cancellationToken), "created");

    /// <summary>Chatwoot lists as a bare array, as <c>{"payload": [...]}</c> or as <c>{"payload": {"webhooks": [...]}}</c>, by version.</summary>
    private static List<JsonElement> Items(JsonElement root, string name)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("payload", out var payload))
        {
            root = payload;
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var inner))
        {
            root = inner;
        }

        return root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [];
    }

    private static JsonElement Unwrap(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("payload", out var payload))
        {
            element = payload;
        }

        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : element;
    }

    private static long? Id(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && ChatwootPayload.TryInt64(element, "id", out var id) ? id : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool SamePath(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y)
        && string.Equals(x.GetLeftPart(UriPartial.Path), y.GetLeftPart(UriPartial.Path), StringComparison.OrdinalIgnoreCase);
}
