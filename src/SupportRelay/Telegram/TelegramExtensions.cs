using Microsoft.Extensions.Options;
using SupportRelay.Delivery;
using SupportRelay.Inbox;

namespace SupportRelay.Telegram;

public static class TelegramExtensions
{
    public static IServiceCollection AddTelegram(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Mode != "polling" || o.IsConfigured, "Telegram:Mode=polling needs Telegram:BotToken.")
            .ValidateOnStart();
        // Timeouts are per call (a long poll waits longer than a sendMessage); retries belong to the outbox.
        // The bot token is part of every Bot API path, which the default HttpClient logging writes out:
        // this client logs nothing itself; its callers log what failed, without the URL.
        services.AddHttpClient<TelegramBot>(http => http.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddSingleton<TelegramLinkStore>();
        services.AddSingleton<IInboxHandler, TelegramUpdateHandler>();
        services.AddSingleton<IDeliveryHandler, TelegramMessageDelivery>();
        services.AddSingleton<IDeliveryHandler, TelegramReplyDelivery>();
        services.AddSingleton<IDeliveryHandler, TelegramCallbackDelivery>();
        services.AddHostedService<TelegramPolling>();
        return services;
    }
}
