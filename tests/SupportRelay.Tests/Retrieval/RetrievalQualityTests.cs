using SupportRelay.HelpCenter;
using SupportRelay.Retrieval;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Retrieval;

/// <summary>Quality floors on the sample corpora in corpus/ (figures, not timings: see the benchmark).</summary>
public sealed class RetrievalQualityTests
{
    [Fact]
    public void StackFaq_recall_at_3_is_at_least_textbook_bm25()
    {
        using var index = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.StackFaqArticles), "en");
        var questions = RetrievalEvaluation.LoadQuestions(CorpusPaths.StackFaqQuestions);

        var quality = RetrievalEvaluation.Measure(index, questions);

        Assert.Equal(1_249, quality.Questions);
        // Textbook BM25 measures 0.857 on this set (corpus/stackfaq/README.md).
        Assert.True(quality.RecallAt3 >= 0.857, $"recall@3 {quality.RecallAt3:F3}");
    }

    [Fact]
    public void Off_topic_questions_fall_below_the_handoff_threshold_on_Scalingo()
    {
        using var index = ArticleIndex.Build(ArticleFile.Load(CorpusPaths.ScalingoArticles), "en");

        foreach (var question in new[] { "what's the weather in Paris tomorrow", "recommend me a pizza place", "how tall is the Eiffel tower" })
        {
            var best = index.Search(question, 1);
            Assert.True(best.Count == 0 || best[0].Confidence < RetrievalDefaults.MinConfidence, $"{question}: {best[0].Confidence:F2}");
        }
        foreach (var question in new[] { "how to add a custom domain to my app", "how do I schedule a cron job" })
        {
            Assert.True(index.Search(question, 1)[0].Confidence >= RetrievalDefaults.MinConfidence, question);
        }
    }
}
