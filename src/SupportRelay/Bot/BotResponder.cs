using System.Text;
using Microsoft.Extensions.Options;
using SupportRelay.Answering;
using SupportRelay.Chatwoot;
using SupportRelay.HelpCenter;
using SupportRelay.Operations;
using SupportRelay.Retrieval;
using SupportRelay.Text;

namespace SupportRelay.Bot;

/// <summary>
/// The answer pipeline shared by the service and the <c>ask</c> command: intent, retrieval, the
/// threshold (decided before any LLM call), the answer, and the reply text. Every failure of the
/// articles or the model becomes a handoff, never silence.
/// </summary>
public sealed partial class BotResponder(
    MessageIntent intents,
    IAnswerGenerator answers,
    ArticleCatalog catalog,
    ArticleRetriever retriever,
    AnswerModel model,
    IOptionsMonitor<BotOptions> botOptions,
    IOptionsMonitor<LlmOptions> llmOptions,
    SupportRelayMetrics metrics,
    TimeProvider time,
    ILogger<BotResponder> logger)
{
    /// <summary>True when the message asks for a person, or for what only a person can do: it is never kept waiting.</summary>
    public bool AsksForAPerson(string? message) =>
        !string.IsNullOrWhiteSpace(message) && intents.Classify(message) is Intent.Person or Intent.PersonOnly;

    /// <summary>
    /// Answers a conversation's message from its provider's Help Center in Chatwoot: in the articles of the
    /// question's language when it can be told and the portal has them, else of the conversation's locale.
    /// </summary>
    public async Task<BotDecision> RespondAsync(long accountId, string question, string? locale, ConversationOwner owner,
        IReadOnlyList<HistoryMessage> history, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            // Attachments alone (a screenshot, a log file): the bot cannot read them, a person can.
            return new BotDecision(BotDecision.Handoff, "attachment", botOptions.CurrentValue.TextsFor(locale).HandoffMessage)
                with { ProviderPubkey = owner.ProviderPubkey, ContractId = owner.ContractId, PortalSlug = owner.PortalSlug };
        }

        var detected = LanguageDetector.Detect(intents.WithoutGreeting(question))?.Language;
        var decision = await RespondAsync(question, history, async ct =>
        {
            if (owner.PortalSlug is null)
            {
                return null;
            }

            var set = await catalog.GetForLocaleAsync(accountId, owner.PortalSlug, locale, detected, ct);
            return set is null ? null : new ArticleScope(set.Index, set.Locale, set.PortalSlug);
        }, detected ?? locale, cancellationToken);
        return decision with { ProviderPubkey = owner.ProviderPubkey, ContractId = owner.ContractId, PortalSlug = owner.PortalSlug };
    }

    /// <summary>Answers a question from the articles <paramref name="findArticles"/> gives.</summary>
    /// <param name="customerLanguage">The language to answer in; null: the question's detected language, if any.</param>
    public async Task<BotDecision> RespondAsync(string question, IReadOnlyList<HistoryMessage> history,
        Func<CancellationToken, Task<ArticleScope?>> findArticles, string? customerLanguage, CancellationToken cancellationToken)
    {
        var settings = botOptions.CurrentValue;
        customerLanguage ??= LanguageDetector.Detect(intents.WithoutGreeting(question))?.Language;
        var texts = settings.TextsFor(customerLanguage);
        BotDecision HandOff(string reason) => new(BotDecision.Handoff, reason, texts.HandoffMessage);
        switch (intents.Classify(question))
        {
            case Intent.Person:
                return HandOff("customer_request");
            case Intent.PersonOnly:
                return HandOff("person_only");
            case Intent.Greeting:
                return new BotDecision(BotDecision.Greeting, "greeting", texts.GreetingReply);
            case Intent.Thanks:
                return new BotDecision(BotDecision.Greeting, "thanks", texts.ThanksReply);
        }

        ArticleScope? scope;
        try
        {
            scope = await findArticles(cancellationToken);
        }
        catch (ChatwootException ex)
        {
            LogArticlesUnavailable(ex.Message);
            // A refused host or an unknown portal is a wrong setting, and says which (see /readyz).
            return HandOff(ex.Misconfiguration?.Problem ?? "help_center_unavailable");
        }

        if (scope is null)
        {
            return HandOff("no_portal");
        }

        if (scope.Index.Count == 0)
        {
            return HandOff("no_articles") with { Locale = scope.Locale };
        }

        var started = time.GetTimestamp();
        var context = string.Join('\n', history.Where(h => h.Role == ConversationStore.Customer).TakeLast(2).Select(h => h.Content));
        var candidates = await retriever.CandidatesAsync(scope, intents.WithoutGreeting(question), settings.TopArticles, context.Length == 0 ? null : context, null, cancellationToken);
        var assessment = model.Assess(question, candidates);
        var hits = assessment.Ranked.Take(settings.TopArticles).ToList();
        metrics.Retrieval(time.GetElapsedTime(started));

        var retrieved = new
        {
            Ids = hits.Select(h => h.Article.Id).ToList(),
            Scores = hits.Select(h => Math.Round(h.Confidence, 4)).ToList(),
            Top = Math.Round(assessment.Probability, 4),
        };
        BotDecision With(BotDecision d) => d with { ArticleIds = retrieved.Ids, Scores = retrieved.Scores, TopScore = retrieved.Top, Locale = scope.Locale };

        // Decided before any model call: the threshold of the operating point, or the operator's own.
        var threshold = settings.MinConfidence ?? (answers.UsesModel ? assessment.Thresholds.WithModel : assessment.Thresholds.WithoutModel);
        if (hits.Count == 0 || assessment.Probability < threshold)
        {
            return With(HandOff("low_confidence"));
        }

        AnswerResult answer;
        started = time.GetTimestamp();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(llmOptions.CurrentValue.Timeout);
            try
            {
                answer = await answers.AnswerAsync(new AnswerRequest(question, history, hits, scope.Locale, customerLanguage), timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogModelFailed("timeout");
                return With(HandOff("llm_timeout")) with { UsedModel = answers.UsesModel };
            }
            catch (LlmResponseException ex)
            {
                LogModelFailed(ex.Message);
                return With(HandOff("llm_invalid_response")) with { UsedModel = true };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Any failure of the model (transport, quota, SDK) is a handoff: the customer is never left unanswered.
                LogModelFailed(ex.GetType().Name);
                return With(HandOff("llm_error")) with { UsedModel = true };
            }
            finally
            {
                metrics.Answer(time.GetElapsedTime(started), answers.UsesModel);
            }
        }

        if (!answer.Answered)
        {
            return With(HandOff("not_answered")) with { UsedModel = answers.UsesModel };
        }

        var byId = hits.ToDictionary(h => h.Article.Id, h => h.Article, StringComparer.Ordinal);
        var sources = answer.SourceIds.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
        if (answers.UsesModel && AnswerGuard.ForeignDetails(answer.Text, sources) is { Count: > 0 } foreign)
        {
            // A link, address or number the cited articles do not hold: made up, or asked for by the message
            // itself (a prompt injection). Not posted under the provider's name; a person answers instead.
            LogAnswerWithheld(string.Join(',', foreign.Distinct()));
            return With(HandOff("unsafe_answer")) with { UsedModel = true };
        }

        return With(new BotDecision(BotDecision.Answered, "answered", ComposeReply(answer.Text, sources, texts, settings.MaxReplyLength), answer.Text, answer.SourceIds))
            with { UsedModel = answers.UsesModel };
    }

    /// <summary>The answer, then its sources as links, then how to reach a person, within the length limit.</summary>
    public static string ComposeReply(string answer, IReadOnlyList<Article> sources, BotTexts texts, int maxLength)
    {
        var tail = new StringBuilder();
        if (sources.Count > 0)
        {
            tail.Append("\n\n").Append(texts.SourcesHeading);
            foreach (var source in sources)
            {
                var title = source.Title.Replace('[', '(').Replace(']', ')');
                tail.Append("\n- ").Append(source.Url is null ? title : $"[{title}]({source.Url})");
            }
        }

        if (!string.IsNullOrWhiteSpace(texts.HumanHint))
        {
            tail.Append("\n\n").Append(texts.HumanHint);
        }

        var room = Math.Max(100, maxLength - tail.Length);
        return TextCut.AtBoundary(answer, room) + tail;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Help Center could not be read: {Error}; handing off")]
    private partial void LogArticlesUnavailable(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model's answer carried contact details its articles do not ({Kinds}); handing off")]
    private partial void LogAnswerWithheld(string kinds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer could not be written ({Error}); handing off")]
    private partial void LogModelFailed(string error);
}
