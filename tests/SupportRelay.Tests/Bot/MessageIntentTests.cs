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

    /// <summary>Said indirectly, with typos, in every built-in language.</summary>
    [Theory]
    [InlineData("is anyone there?")]
    [InlineData("can I speak with someone")]
    [InlineData("I need a real answer from your team")]
    [InlineData("this bot is useless")]
    [InlineData("can someone call me back")]
    [InlineData("escalate this")]
    [InlineData("need to speek with somone asap")]
    [InlineData("can i tlak to a person")]
    [InlineData("agnet pls")]
    [InlineData("anybody around?")]
    [InlineData("who can i talk to about an enterprise contract?")]
    [InlineData("could somebody from your team look at my app")]
    [InlineData("pls connect me to support")]
    [InlineData("you're not helping, i want a human")]
    [InlineData("stop sending me docs")]
    [InlineData("give me a call at +33 6 12 34 56 78")]
    [InlineData("y a quelqu'un ?")]
    [InlineData("passez-moi un technicien svp")]
    [InlineData("pouvez-vous me rappeler ?")]
    [InlineData("ce robot ne sert à rien")]
    [InlineData("ist da jemand?")]
    [InlineData("kann mich jemand zurückrufen?")]
    [InlineData("ich brauche einen Techniker")]
    [InlineData("kiero hablar con un tecnico")]
    [InlineData("¿hay alguien?")]
    [InlineData("¿me pueden llamar?")]
    [InlineData("c'è qualcuno?")]
    [InlineData("potete richiamarmi?")]
    [InlineData("questo bot non mi aiuta")]
    [InlineData("tem alguem ai?")]
    [InlineData("quero falar com um atendente")]
    [InlineData("podem me ligar?")]
    [InlineData("is er iemand?")]
    [InlineData("ik wil een medewerker spreken")]
    [InlineData("deze bot helpt me niet")]
    [InlineData("hellooo anyone??")]
    [InlineData("helo? ne1 there?")]
    [InlineData("are u a robot")]
    [InlineData("am i talking to a real person?")]
    [InlineData("let me talk to your boss")]
    [InlineData("can you forward this to a colleague?")]
    [InlineData("can we schedule a call?")]
    [InlineData("this doesn't answer my question at all")]
    [InlineData("please have an engineer contact me")]
    [InlineData("what's your phone number? i'd rather call")]
    [InlineData("i want to file a complaint")]
    [InlineData("mettez-moi en relation avec le support")]
    [InlineData("est-ce que quelqu'un peut me contacter ?")]
    [InlineData("ich hätte gern einen Ansprechpartner")]
    [InlineData("¿alguien me puede atender?")]
    [InlineData("este bot no me sirve")]
    [InlineData("passatemi un operatore per favore")]
    [InlineData("qualcuno mi può aiutare?")]
    [InlineData("alguém pode me ajudar?")]
    [InlineData("ik wil graag teruggebeld worden")]
    public void Paraphrased_requests_for_a_person(string message) => Assert.Equal(Intent.Person, Intents.Classify(message));

    [Fact]
    public void A_request_for_a_person_that_opens_with_a_greeting_is_not_a_greeting()
    {
        Assert.Equal(Intent.Person, Intents.Classify("hello?? anybody from support online"));
        Assert.Equal(Intent.Person, Intents.Classify("hi, is anyone there?"));
        Assert.Equal(Intent.Person, Intents.Classify("bonjour, je voudrais parler à quelqu'un svp"));
    }

    [Theory]
    [InlineData("How does user management work?")]
    [InlineData("My user-agent header is wrong")]
    [InlineData("What is the humane way to shut down a VM?")]
    [InlineData("hi, my VM won't boot")]
    [InlineData("Hello, how do I configure DNS?")]
    [InlineData("thanks, but how do I restore a backup?")]
    public void Questions(string message) => Assert.Equal(Intent.Question, Intents.Classify(message));

    /// <summary>Technical questions with the words a request for a person is made of.</summary>
    [Theory]
    [InlineData("does the platform support websockets")]
    [InlineData("how do I configure the datadog agent")]
    [InlineData("my app can't talk to the datadog agent")]
    [InlineData("my team can't deploy")]
    [InlineData("how do i install the new relic agent")]
    [InlineData("my ssh agent forwarding doesn't work")]
    [InlineData("is there support for http/3?")]
    [InlineData("does the chat support markdown")]
    [InlineData("can my containers talk to each other on the private network")]
    [InlineData("can I call an external api from a one-off container")]
    [InlineData("how to reach my database from my laptop")]
    [InlineData("how do I add someone to my team")]
    [InlineData("someone told me to try jemalloc, how do I enable it")]
    [InlineData("is there anyone who runs sidekiq with redis here?")]
    [InlineData("my telegram bot doesn't receive messages")]
    [InlineData("how do i enable the human-readable log format")]
    [InlineData("what are your support opening hours?")]
    [InlineData("the actual response body is empty")]
    [InlineData("ich möchte die Datenbank per SSL ansprechen")]
    [InlineData("after adding the datadog buildpack the build complains the image is too big")]
    [InlineData("how to be gdpr compliant with logs of my app")]
    [InlineData("mi app se queda sin memoria, ¿cómo le doy un contenedor más grande?")]
    [InlineData("can I set up a meeting room app on your platform?")]
    [InlineData("how do i schedule a job every hour")]
    [InlineData("is there a phone number field in the user api?")]
    public void Words_of_a_request_in_a_technical_question(string message) => Assert.Equal(Intent.Question, Intents.Classify(message));

    /// <summary>Asking us to do it, or reporting their live incident: only a person can.</summary>
    [Theory]
    [InlineData("please refund last month")]
    [InlineData("you charged me twice this month")]
    [InlineData("please close our company account at the end of the month")]
    [InlineData("please cancel my subscription")]
    [InlineData("could you change the company name on our invoices to Acme SAS")]
    [InlineData("please put our new VAT number on the invoices")]
    [InlineData("please change the owner of our account to jane@acme.fr")]
    [InlineData("can you increase the max containers to 25 for our app")]
    [InlineData("we need 25 web containers next week, can you raise the limit?")]
    [InlineData("please delete all my personal data (GDPR)")]
    [InlineData("my account was hacked")]
    [InlineData("someone stole my api token, please revoke it")]
    [InlineData("i see suspicious activity, please lock my account")]
    [InlineData("my account has been suspended, please unblock it")]
    [InlineData("production returns 502 since 10 minutes, app acme-prod, help")]
    [InlineData("our site is down right now!!")]
    [InlineData("please redeploy build #812 of my app")]
    [InlineData("please approve our load test")]
    [InlineData("please enable secnumcloud for our company")]
    [InlineData("i lost my phone and my recovery codes, please reset my 2FA")]
    [InlineData("mon application est en panne depuis ce matin")]
    [InlineData("merci de supprimer toutes mes données personnelles")]
    [InlineData("pouvez-vous fermer notre compte ?")]
    [InlineData("bitte löschen Sie mein Konto")]
    [InlineData("können Sie bitte das Limit für unsere App erhöhen?")]
    [InlineData("unsere App ist seit heute morgen nicht erreichbar")]
    [InlineData("por favor cancelen mi suscripción")]
    [InlineData("mi aplicación está caída desde esta mañana")]
    [InlineData("per favore chiudete il mio account")]
    [InlineData("la mia app non funziona da stamattina")]
    [InlineData("podem aumentar o limite da nossa app?")]
    [InlineData("meu site está fora do ar desde hoje cedo")]
    [InlineData("kunnen jullie het limiet van onze app verhogen?")]
    [InlineData("er is twee keer geld afgeschreven, graag terugbetalen")]
    [InlineData("we were charged 3 times this month, please check")]
    [InlineData("please issue a credit note for invoice 2024-113")]
    [InlineData("close my account please")]
    [InlineData("please transfer the ownership of app shop-prod to marie@acme.fr")]
    [InlineData("someone logged into our account from russia, lock it now")]
    [InlineData("someone changed our password, we did not do it")]
    [InlineData("i want all my personal data deleted under the gdpr")]
    [InlineData("urgent: database crm-db not reachable")]
    [InlineData("unsere Seite ist seit 10 Minuten down")]
    [InlineData("notre appli est plantée depuis une heure, aidez-nous")]
    [InlineData("il nostro sito è irraggiungibile da un'ora")]
    public void Requests_only_a_person_can_fulfil(string message) => Assert.Equal(Intent.PersonOnly, Intents.Classify(message));

    /// <summary>The same topic, asked how to do oneself: the Help Center answers.</summary>
    [Theory]
    [InlineData("how do I delete my account?", "please delete my account and all my data")]
    [InlineData("how do I enable 2FA?", "please reset the 2FA on my account, I lost my phone")]
    [InlineData("how can I scale to 25 containers?", "can you increase the max containers to 25 for our app")]
    [InlineData("what happens when my app crashes?", "our app keeps crashing since this morning, help")]
    [InlineData("what is your refund policy?", "please refund the double charge on my card")]
    [InlineData("what should I do if my account is hacked?", "my account was hacked, someone deployed an app I don't know")]
    [InlineData("how do I close my account", "please close our account")]
    [InlineData("how do i get postgresql anonymizer enabled on my database", "please activate postgresql anonymizer on our database")]
    [InlineData("can i run a load test?", "please approve our load test tomorrow 10:00-11:00")]
    [InlineData("where do i change the company name on my invoices", "could you change the company name on my invoices")]
    [InlineData("we paid the overdue invoice, how do we bring our suspended apps back online", "our account is suspended, please unblock it")]
    [InlineData("can you delete an app from the cli?", "can you delete my app?")]
    [InlineData("i get 502 since i changed the port, what port should my app listen on", "production returns 502 since 10 minutes, help")]
    [InlineData("comment supprimer mon compte ?", "merci de supprimer mon compte")]
    [InlineData("wie kann ich mein Konto löschen?", "bitte löschen Sie mein Konto")]
    [InlineData("¿cómo elimino mi cuenta?", "por favor eliminen mi cuenta")]
    [InlineData("come posso cancellare il mio account?", "per favore cancellate il mio account")]
    [InlineData("como faço para excluir minha conta?", "por favor excluam minha conta")]
    [InlineData("hoe verwijder ik mijn account?", "kunnen jullie mijn account verwijderen?")]
    [InlineData("graag uitleg over het verwijderen van mijn app", "graag mijn app verwijderen")]
    [InlineData("when my card expires, will you suspend my apps?", "our account was suspended, please reactivate it")]
    [InlineData("the api returned 500 once this morning, should i worry?", "the api returns 500 since this morning, help")]
    public void How_to_is_a_question_please_do_it_is_a_persons_job(string howTo, string pleaseDoIt)
    {
        Assert.Equal(Intent.Question, Intents.Classify(howTo));
        Assert.Equal(Intent.PersonOnly, Intents.Classify(pleaseDoIt));
    }

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
    public void Word_classes_are_configurable()
    {
        var options = new BotOptions { PersonOnlyPhrases = ["{please} ... {act} & {mine}"] };
        options.PhraseWords["act"] = ["migrate"];
        var intents = new MessageIntent(new StaticMonitor(options));

        Assert.Equal(Intent.PersonOnly, intents.Classify("please migrate our database to the new region"));
        Assert.Equal(Intent.Question, intents.Classify("please refund last month"));
        Assert.Equal(Intent.Question, intents.Classify("how do I migrate my database, please?"));
    }

    [Fact]
    public void A_phrase_naming_an_unknown_class_is_a_configuration_error()
    {
        var problem = IntentPhrases.Problem(new BotOptions { PersonOnlyPhrases = ["please {frobnicate}"] });

        Assert.NotNull(problem);
        Assert.Contains("{frobnicate}", problem, StringComparison.Ordinal);
        Assert.Null(IntentPhrases.Problem(new BotOptions()));
    }

    [Theory]
    [InlineData("speak", "speek", true)]
    [InlineData("talk", "tlak", true)]
    [InlineData("agent", "agnet", true)]
    [InlineData("person", "peson", true)]
    [InlineData("human", "humane", false)]
    [InlineData("humano", "humane", false)]
    [InlineData("agente", "agent", false)]
    [InlineData("hacked", "backed", false)]
    [InlineData("502", "503", false)]
    [InlineData("call", "cell", false)]
    public void A_typo_inside_a_longer_word_is_forgiven(string expected, string typed, bool similar) =>
        Assert.Equal(similar, IntentText.Similar(expected, typed));

    [Fact]
    public void Intent_words_lose_accents_and_split_elisions_and_pronouns() =>
        Assert.Equal(["passez", "moi", "l", "equipe", "c", "e", "quelqu'un", "user-agent", "tecnico"],
            IntentText.Words("Passez-moi l'équipe, c'è quelqu’un? user-agent técnico"));

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
