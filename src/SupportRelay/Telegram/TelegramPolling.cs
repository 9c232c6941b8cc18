using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SupportRelay.Inbox;
using SupportRelay.Storage;
using Telegram.Bot;

namespace SupportRelay.Telegram;

/// <summary>
/// <c>Telegram:Mode=polling</c>: long-polls getUpdates and stores each update in the same inbox the
/// webhook uses (once per update_id), for hosts without public HTTPS. An update is confirmed to
/// Telegram (by the next offset) only after it is stored, so a crash loses nothing.
/// </summary>
public sealed partial class TelegramPolling(
    TelegramBot telegram,
    InboxStore inbox,
    TimeProvider time,
    IOptionsMonitor<TelegramOptions> options,
    IOptions<WorkerOptions> workers,
    ILogger<TelegramPolling> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.CurrentValue.Mode != "polling" || !workers.Value.Enabled)
        {
            return;
        }

        int? offset = null;
        var failures = 0;
        var webhookRemoved = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!webhookRemoved)
                {
                    await telegram.DeleteWebhookAsync(stoppingToken);
                    webhookRemoved = true;
                }

                var updates = await telegram.GetUpdatesAsync(offset, stoppingToken);
                foreach (var update in updates.OrderBy(u => u.Id))
                {
                    var json = JsonSerializer.Serialize(update, JsonBotAPI.Options);
                    using var document = JsonDocument.Parse(json);
                    var chatId = TelegramWebhookEndpoints.ChatIdOf(document.RootElement);
                    await inbox.StoreAsync(TelegramWebhookEndpoints.Source, update.Id.ToString(CultureInfo.InvariantCulture), TelegramUpdateHandler.EventType,
                        chatId is null ? null : $"telegram:{chatId.Value.ToString(CultureInfo.InvariantCulture)}", json, stoppingToken);
                    offset = update.Id + 1;
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is TelegramException or IntakeUnavailableException or JsonException)
            {
                failures++;
                // 409: a webhook is set (or another poller runs); remove the webhook again next time.
                webhookRemoved &= ex is not TelegramException { ErrorCode: 409 };
                var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(failures, 6))));
                LogPollFailed(ex.GetType().Name, ex.Message, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram getUpdates failed ({Type}: {Error}); trying again in {Seconds} s")]
    private partial void LogPollFailed(string type, string error, double seconds);
}
