using OpenTelemetry.Metrics;
using SupportRelay.Delivery;
using SupportRelay.Inbox;
using SupportRelay.Storage;

namespace SupportRelay.Operations;

public static class OperationsExtensions
{
    /// <summary>Metrics, and the background workers that drain the inbox and the outbox.</summary>
    public static IServiceCollection AddWorkers(this IServiceCollection services)
    {
        services.AddSingleton<InboxStore>();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<InboxWorker>();
        services.AddHostedService<OutboxWorker>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Housekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<Housekeeping>());
        return services;
    }

    public static IServiceCollection AddMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SupportRelayMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
