using SupportRelay.Retrieval;

namespace SupportRelay.Tests.Retrieval;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("How do I restart my virtual machine?", "en")]
    [InlineData("Comment est-ce que je redémarre ma machine virtuelle ?", "fr")]
    [InlineData("Mon serveur ne démarre pas, que faire ?", "fr")]
    [InlineData("Wie kann ich meinen Server neu starten?", "de")]
    [InlineData("¿Cómo reinicio mi servidor?", "es")]
    [InlineData("Come posso riavviare il mio server?", "it")]
    [InlineData("Como reinicio o meu servidor?", "pt")]
    [InlineData("Hoe kan ik mijn server opnieuw starten?", "nl")]
    [InlineData("Как перезагрузить мой сервер?", "ru")]
    [InlineData("Як перезавантажити мій сервер? Ї", "uk")]
    [InlineData("Πώς επανεκκινώ τον διακομιστή μου;", "el")]
    [InlineData("サーバーを再起動するにはどうすればいいですか", "ja")]
    [InlineData("如何重启我的服务器", "zh")]
    [InlineData("서버를 어떻게 재시작하나요?", "ko")]
    [InlineData("كيف أعيد تشغيل الخادم؟", "ar")]
    public void Tells_the_language_of_a_support_question(string question, string language)
    {
        var detected = LanguageDetector.Detect(question);

        Assert.NotNull(detected);
        Assert.Equal(language, detected.Language);
    }

    [Theory]
    [InlineData("vps reboot")]
    [InlineData("facture")]
    [InlineData("404")]
    [InlineData("")]
    public void Leaves_questions_without_enough_evidence_undetected(string question) =>
        Assert.Null(LanguageDetector.Detect(question));
}
