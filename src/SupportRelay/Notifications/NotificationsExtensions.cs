using Microsoft.Extensions.Options;
using SupportRelay.Answering;
using SupportRelay.Delivery;
using SupportRelay.Inbox;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

public static class NotificationsExtensions
{
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddTransient<TwilioAuthHandler>();
        services.AddHttpClient<TwilioClient>((sp, http) =>
            {
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<TwilioOptions>>().Value.ApiBaseUrl.ToString().TrimEnd('/') + "/");
                // Per-call timeouts come from Twilio:RequestTimeout; a send is not retried here (it could send twice).
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler<TwilioAuthHandler>();

        services.AddSingleton<INotificationChannel, TelegramNotificationChannel>();
        services.AddSingleton<INotificationChannel, SmsNotificationChannel>();
        services.AddSingleton<INotificationChannel, EmailNotificationChannel>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<MessageLog>();
        services.AddSingleton<MessageBudget>();
        services.AddSingleton<DestinationVerification>();
        services.AddSingleton<IDeliveryHandler, VerificationDelivery>();
        services.AddSingleton<IDeliveryHandler, HandoffDigestDelivery>();

        services.AddSingleton(sp =>
        {
            var llm = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var chat = ChatClientFactory.Create(llm, sp.GetRequiredService<IHttpClientFactory>().CreateClient("llm"));
            return new HandoffSummary(sp.GetRequiredService<SqlDialect>(), sp.GetRequiredService<IOptionsMonitor<NotificationsOptions>>(),
                sp.GetRequiredService<ILogger<HandoffSummary>>(), chat);
        });
        services.AddSingleton<HandoffNotifier>();
        services.AddSingleton<IDeliveryHandler, HandoffNotificationDelivery>();
        services.AddSingleton<IInboxHandler, ConversationEventHandler>();
        services.AddSingleton<HandoffReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<HandoffReconciler>());
        return services;
    }
}
