using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SupportRelay.Answering;

namespace SupportRelay.Retrieval;

public static class RetrievalExtensions
{
    /// <summary>Retrieval: the embedding store and generator (when <c>Llm:EmbeddingModel</c> is set) and the retriever.</summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services)
    {
        services.AddOptions<RetrievalOptions>().BindConfiguration(RetrievalOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.SemanticCeiling > o.SemanticFloor, "Retrieval:SemanticCeiling must be above Retrieval:SemanticFloor.")
            .ValidateOnStart();
        services.AddSingleton<EmbeddingStore>();
        // Fitted offline and shipped in the assembly: the same for every host of the process.
        services.AddSingleton(_ => AnswerModel.LoadEmbedded() ?? throw new InvalidOperationException("The build carries no answer model (models/decision/coefficients.json)."));

        // The per-request timeout is Llm:EmbeddingTimeout, enforced by the retriever; this only stops runaway calls.
        services.AddHttpClient("embeddings", http => http.Timeout = TimeSpan.FromMinutes(10));
        services.AddSingleton(sp =>
        {
            var llm = sp.GetRequiredService<IOptions<LlmOptions>>();
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("embeddings");
            var retrieval = sp.GetRequiredService<IOptionsMonitor<RetrievalOptions>>();
            return new ArticleRetriever(EmbeddingGeneratorFactory.Create(llm.Value, retrieval.CurrentValue, http), sp.GetRequiredService<EmbeddingStore>(),
                retrieval, sp.GetRequiredService<Operations.SupportRelayMetrics>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ArticleRetriever>>(), sp.GetRequiredService<AnswerModel>(),
                sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None);
        });
        return services;
    }
}
