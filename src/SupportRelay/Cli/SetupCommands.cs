using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportRelay.Chatwoot;
using SupportRelay.Telegram;

namespace SupportRelay.Cli;

/// <summary><c>setup chatwoot</c>: connects a Chatwoot account to this service in one command.</summary>
public static class SetupCommands
{
    /// <summary>
    /// The conversation events the account webhook subscribes to: agent bots receive status changes only from 4.13.0
    /// (<c>agent_bot_listener.rb</c>), and then the two copies are one event. No message events: the agent bot has
    /// those, and an account webhook would bring every inbox's.
    /// </summary>
    public static readonly string[] AccountWebhookEvents = ["conversation_status_changed", "conversation_updated"];

    public static Command Create()
    {
        var setup = new Command("setup", "Connect Chatwoot and Telegram to this service.");
        setup.Subcommands.Add(ChatwootCommand());
        setup.Subcommands.Add(TelegramCommand());
        return setup;
    }

    private static Command ChatwootCommand()
    {
        var url = UrlOption("This service's public base URL as Chatwoot reaches it, e.g. https://relay.example.com");
        var inboxes = new Option<long[]>("--inbox") { Description = "Inbox ids to attach the bot to (repeatable); default: every inbox.", AllowMultipleArgumentsPerToken = true };
        var name = new Option<string>("--bot-name") { Description = "The agent bot's name.", DefaultValueFactory = _ => "SupportRelay" };
        var tokenInUrl = new Option<bool>("--token-in-url") { Description = "For Chatwoot that cannot sign (account webhooks before 4.12.0, agent bots before 4.13.0): put Chatwoot:WebhookSecret as ?token= in the URLs." };
        var command = new Command("chatwoot", "Create or update the agent bot (our webhook URL), attach it to the inboxes and register the account webhook.")
        {
            url, inboxes, name, tokenInUrl,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CommandLineApp.BuildHost();
            var options = host.Services.GetRequiredService<IOptions<ChatwootOptions>>().Value;
            if (options.BaseUrl is null || options.AccountId is null || string.IsNullOrEmpty(options.ApiAccessToken))
            {
                await Console.Error.WriteLineAsync("setup chatwoot needs Chatwoot:BaseUrl, Chatwoot:AccountId and Chatwoot:ApiAccessToken (an administrator's token).");
                return 2;
            }

            var webhookUrl = new Uri(parse.GetValue(url)!, "api/v1/webhooks/chatwoot").ToString();
            if (parse.GetValue(tokenInUrl))
            {
                var secret = options.WebhookSecret?.Split(',')[0].Trim();
                if (string.IsNullOrEmpty(secret))
                {
                    await Console.Error.WriteLineAsync("--token-in-url needs Chatwoot:WebhookSecret.");
                    return 2;
                }

                webhookUrl += "?token=" + Uri.EscapeDataString(secret);
            }

            var client = host.Services.GetRequiredService<ChatwootClient>();
            try
            {
                var setup = new ChatwootSetup(client, options.AccountId.Value);
                var report = await setup.RunAsync(webhookUrl, parse.GetValue(name)!, parse.GetValue(inboxes) ?? [], cancellationToken);
                // The bot is no use if the Help Center cannot be read the way the service reads it: say what to fix now.
                var helpCenter = await setup.CheckHelpCenterAsync(options, cancellationToken);
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report with { HelpCenter = helpCenter }, SetupJson.Options));
                if (!helpCenter.IsOk || helpCenter.Detail is not null)
                {
                    await Console.Error.WriteLineAsync($"Help Center ({helpCenter.Status}): {helpCenter.Detail}");
                }

                return 0;
            }
            catch (ChatwootException ex)
            {
                await Console.Error.WriteLineAsync($"Chatwoot refused the setup: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>A required absolute http(s) URL: System.CommandLine has no converter for <see cref="Uri"/> and would throw on any value.</summary>
    private static Option<Uri> UrlOption(string description) => new("--url")
    {
        Description = description,
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                // A base URL: what follows it is appended, not put in place of its last segment.
                return new Uri(uri.ToString().TrimEnd('/') + "/");
            }

            result.AddError($"--url must be an absolute http or https URL, not '{text}'.");
            return null;
        },
    };

    private static Command TelegramCommand()
    {
        var url = UrlOption("This service's public HTTPS base URL as Telegram reaches it, e.g. https://relay.example.com");
        var command = new Command("telegram", "Register the Telegram webhook (setWebhook) with Telegram:WebhookSecret as its secret token.") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = CommandLineApp.BuildHost();
            var options = host.Services.GetRequiredService<IOptions<TelegramOptions>>().Value;
            if (!options.IsConfigured || string.IsNullOrEmpty(options.WebhookSecret))
            {
                await Console.Error.WriteLineAsync("setup telegram needs Telegram:BotToken and Telegram:WebhookSecret.");
                return 2;
            }

            var webhookUrl = new Uri(parse.GetValue(url)!, "api/v1/webhooks/telegram");
            try
            {
                await host.Services.GetRequiredService<TelegramBot>().SetWebhookAsync(webhookUrl, options.WebhookSecret, cancellationToken);
            }
            catch (TelegramException ex)
            {
                await Console.Error.WriteLineAsync($"Telegram refused the webhook: {ex.Message}");
                return 1;
            }

            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { webhook = webhookUrl.ToString(), mode = options.Mode }, SetupJson.Options));
            if (options.Mode == "polling")
            {
                await Console.Error.WriteLineAsync("Note: Telegram:Mode is polling; the service removes the webhook when it starts polling. Set Telegram:Mode=webhook to use it.");
            }

            return 0;
        });
        return command;
    }
}
