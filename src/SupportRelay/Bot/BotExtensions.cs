using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SupportRelay.Answering;
using SupportRelay.Inbox;

namespace SupportRelay.Bot;

public static class BotExtensions
{
    public static IServiceCollection AddBot(this IServiceCollection services)
    {
        services.AddOptions<BotOptions>().BindConfiguration(BotOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => IntentPhrases.Problem(o) is null,
                "Bot:HandoffPhrases, Bot:HandoffWords, Bot:PersonOnlyPhrases and Bot:HowToPhrases must have words, and name only classes of Bot:PhraseWords.")
            .ValidateOnStart();
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MessageIntent>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ProviderResolver>();
        services.AddSingleton<BotResponder>();
        services.AddSingleton<IInboxHandler, MessageCreatedHandler>();
        services.AddSingleton<IInboxHandler, MessageUpdatedHandler>();

        // The model's own timeout is Llm:Timeout, enforced by the responder; the HTTP client only stops runaway calls.
        services.AddTransient<AnthropicApiKeyHandler>();
        services.AddHttpClient("llm", http => http.Timeout = TimeSpan.FromMinutes(10)).AddHttpMessageHandler<AnthropicApiKeyHandler>();
        services.AddSingleton<IAnswerGenerator>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("llm");
            var chat = ChatClientFactory.Create(options, http);
            return chat is null
                ? new ExtractiveAnswerGenerator()
                : new LlmAnswerGenerator(chat, sp.GetRequiredService<IOptionsMonitor<LlmOptions>>());
        });
        return services;
    }
}
