using Microsoft.Extensions.Options;
using SupportRelay.Bot;

namespace SupportRelay.Tests.Bot;

public sealed class MessageIntentTests
{
    private static readonly MessageIntent Intents = new(new StaticMonitor(new BotOptions()));

    [Theory]
    [InlineData("agent")]
    [InlineData("Can I talk to an AGENT?")]
    [InlineData("I need a human, now!")]
    [InlineData("let me speak to a person")]
    [InlineData("Je veux parler à un humain")]
    [InlineData("Ich möchte mit einem Mitarbeiter sprechen")]
    [InlineData("quiero hablar con un agente")]
    public void Requests_for_a_person(string message) => Assert.Equal(Intent.Person, Intents.Classify(message));

    [Theory]
    [InlineData("How does user management work?")]
    [InlineData("My user-agent header is wrong")]
    [InlineData("What is the humane way to shut down a VM?")]
    [InlineData("hi, my VM won't boot")]
    [InlineData("Hello, how do I configure DNS?")]
    [InlineData("thanks, but how do I restore a backup?")]
    public void Questions(string message) => Assert.Equal(Intent.Question, Intents.Classify(message));

    [Theory]
    [InlineData("hi")]
    [InlineData("Hello there!")]
    [InlineData("Good morning team")]
    [InlineData("bonjour")]
    [InlineData("👋")]
    public void Greetings(string message) => Assert.Equal(Intent.Greeting, Intents.Classify(message));

    [Theory]
    [InlineData("thanks!")]
    [InlineData("Thank you so much")]
    [InlineData("ok thanks")]
    [InlineData("Merci beaucoup")]
    [InlineData("danke")]
    public void Thanks(string message) => Assert.Equal(Intent.Thanks, Intents.Classify(message));

    [Fact]
    public void The_word_each_language_tells_customers_to_reply_reaches_a_person()
    {
        var options = new BotOptions();
        foreach (var language in options.Texts.Keys.Append("en"))
        {
            var hint = options.TextsFor(language).HumanHint!;
            var quoted = System.Text.RegularExpressions.Regex.Match(hint, "[\"«„]\\s*([^\"»“”]+?)\\s*[\"»“”]").Groups[1].Value;

            Assert.False(string.IsNullOrEmpty(quoted), $"{language}: no quoted word in \"{hint}\"");
            Assert.Equal(Intent.Person, Intents.Classify(quoted));
        }
    }

    [Fact]
    public void The_phrases_are_configurable()
    {
        var intents = new MessageIntent(new StaticMonitor(new BotOptions { HandoffPhrases = ["escalate"] }));

        Assert.Equal(Intent.Person, intents.Classify("please escalate this"));
        Assert.Equal(Intent.Question, intents.Classify("can an agent restart my VM"));
    }

    [Fact]
    public void Words_keep_apostrophes_and_non_latin_letters() =>
        Assert.Equal(["won't", "boot", "サーバー", "ça"], MessageIntent.Words("won't boot! サーバー… ça"));

    private sealed class StaticMonitor(BotOptions value) : IOptionsMonitor<BotOptions>
    {
        public BotOptions CurrentValue => value;

        public BotOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<BotOptions, string?> listener) => null;
    }
}
