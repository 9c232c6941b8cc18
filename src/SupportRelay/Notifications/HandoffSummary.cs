using Dapper;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SupportRelay.Bot;
using SupportRelay.Storage;
using SupportRelay.Text;

namespace SupportRelay.Notifications;

/// <summary>
/// What the customer needs, in the customer's words or in words written from them, and the label that says
/// which: either way the text is the customer's to control, so notifications show it apart from ours.
/// </summary>
public sealed record CustomerWords(string Label, string Text)
{
    public const string QuotedLabel = "The customer wrote (their words, not checked):";
    public const string SummaryLabel = "Summary written by the bot from the customer's messages (not checked):";
}

/// <summary>
/// What the customer needs, in a few lines: the LLM's summary of the conversation when an LLM is
/// configured, otherwise (or when it fails) the customer's last messages, each on a line of its own, cleaned
/// of control characters (<see cref="CustomerText"/>) and cut cleanly.
/// </summary>
public sealed partial class HandoffSummary(
    SqlDialect dialect,
    IOptionsMonitor<NotificationsOptions> options,
    ILogger<HandoffSummary> logger,
    IChatClient? chat = null)
{
    private const int HistoryMessages = 12;

    /// <summary>The customer's words for the notification; null when the bot received none.</summary>
    public async Task<CustomerWords?> SummarizeAsync(long accountId, long conversationId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var messages = await RecentAsync(accountId, conversationId, cancellationToken);
        var customer = messages.Where(m => m.Role == ConversationStore.Customer).Select(m => CustomerText.Clean(m.Content)).Where(c => c.Length > 0).ToList();
        if (customer.Count == 0)
        {
            return null;
        }

        if (chat is not null && settings.UseLlmSummary)
        {
            var summary = CustomerText.Clean(await LlmSummaryAsync(chat, messages, settings, cancellationToken));
            if (summary.Length > 0)
            {
                return new CustomerWords(CustomerWords.SummaryLabel, TextCut.AtBoundary(summary, settings.MaxSummaryLength));
            }
        }

        var quoted = customer.TakeLast(settings.SummaryMessages).Select(m => "“" + TextCut.AtBoundary(m, settings.MaxSummaryLength / settings.SummaryMessages) + "”");
        return new CustomerWords(CustomerWords.QuotedLabel, TextCut.AtBoundary(string.Join("\n", quoted), settings.MaxSummaryLength));
    }

    private async Task<string?> LlmSummaryAsync(IChatClient client, IReadOnlyList<(string Role, string Content)> messages, NotificationsOptions settings, CancellationToken cancellationToken)
    {
        var transcript = string.Join("\n", messages.Select(m => $"{m.Role}: {TextCut.AtBoundary(m.Content, 1500)}"));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.SummaryTimeout);
        try
        {
            var response = await client.GetResponseAsync(
                [
                    new ChatMessage(ChatRole.System,
                        "You brief a support agent who takes over a chat from a bot. In at most three short sentences, in the customer's language, "
                        + "say what the customer needs and what was already tried. Plain text, no greeting, no markup."),
                    new ChatMessage(ChatRole.User, transcript),
                ],
                new ChatOptions { MaxOutputTokens = 200, Temperature = 0.2f },
                deadline.Token);
            return response.Text;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure of the model (timeout, HTTP error, refusal) falls back to quoting the customer.
            LogSummaryFailed(ex.GetType().Name);
            return null;
        }
    }

    private async Task<IReadOnlyList<(string Role, string Content)>> RecentAsync(long accountId, long conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Role, string Content)>(new CommandDefinition(
            """
            SELECT role, content FROM conversation_messages
            WHERE account_id = @accountId AND conversation_id = @conversationId
            ORDER BY message_id DESC
            LIMIT @count
            """,
            new { accountId, conversationId, count = HistoryMessages }, cancellationToken: cancellationToken));
        return rows.Reverse().ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The LLM summary failed ({Error}); quoting the customer instead")]
    private partial void LogSummaryFailed(string error);
}
