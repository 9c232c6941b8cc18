using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Bot;

/// <summary>The <c>Bot</c> configuration section: when the bot answers, hands off, and what it says.</summary>
public sealed class BotOptions
{
    public const string SectionName = "Bot";

    /// <summary>Provider of conversations that name none (hex Ed25519 public key).</summary>
    [RegularExpression("^[0-9a-fA-F]{64}$", ErrorMessage = "Bot:DefaultProviderPubkey must be 64 hex characters.")]
    public string? DefaultProviderPubkey { get; set; }

    /// <summary>
    /// Whether the conversation's <c>provider_pubkey</c> custom attribute picks the provider. Off by default:
    /// Chatwoot's widget SDK lets the customer's browser set conversation attributes, so a customer could send
    /// handoffs (with text of their choosing) to any provider. Turn it on only when attributes are set
    /// server-side (Chatwoot's API with a user token), never by the widget. Mapped contract ids always work.
    /// </summary>
    public bool TrustProviderPubkeyAttribute { get; set; }

    /// <summary>
    /// The Chatwoot inboxes the bot serves. Account webhooks report every inbox of the account: only conversations
    /// SupportRelay has seen (a message to the bot, a decision) or in these inboxes are announced to a provider or
    /// answered late. Empty: the inboxes whose messages reached the bot.
    /// </summary>
    public List<long> InboxIds { get; set; } = [];

    /// <summary>
    /// Overrides the answer model's threshold: below this probability (0 to 1) that the best article answers, the
    /// bot hands off without writing an answer. Unset: the model's own operating point, one without an LLM
    /// (precision first) and one with (recall first: the LLM still says when the articles do not answer).
    /// </summary>
    [Range(0.0, 1.0)]
    public double? MinConfidence { get; set; }

    /// <summary>How many articles retrieval gives to the answer.</summary>
    [Range(1, 10)]
    public int TopArticles { get; set; } = 3;

    /// <summary>Earlier messages of the conversation given to retrieval and the LLM.</summary>
    [Range(0, 50)]
    public int HistoryMessages { get; set; } = 6;

    /// <summary>
    /// How long the bot waits after a customer's message for the next one: a question written over several messages
    /// gets one answer to all of them. A request for a person is never kept waiting. Zero answers each message at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>At most this many bot replies per conversation per minute; a flood gets silence, not a flood.</summary>
    [Range(1, 100)]
    public int MaxRepliesPerMinute { get; set; } = 5;

    /// <summary>Longest reply posted, in UTF-16 characters (what Chatwoot counts); cuts fall between text elements.</summary>
    [Range(200, 20000)]
    public int MaxReplyLength { get; set; } = 3000;

    /// <summary>
    /// Phrases that ask for a person wherever they are in the message, in English, French, German, Spanish,
    /// Italian, Portuguese and Dutch: "can I speak with someone", "is anyone there?", "this bot is useless". Whole
    /// words, accents and case aside, one typo forgiven in a word of five letters or more ("speek"). Beyond words,
    /// <c>a|b</c> is either word, <c>{name}</c> any entry of <see cref="PhraseWords"/> <c>name</c>, <c>...</c> up to
    /// three words of anything, and <c>&amp;</c> joins parts found anywhere in the message.
    /// </summary>
    public List<string> HandoffPhrases { get; set; } = IntentDefaults.HandoffPhrases();

    /// <summary>
    /// Words that ask for a person when the message says nothing else but greetings, articles and "please"
    /// ("agent", "un conseiller svp"); alone only, since "the datadog agent" asks for none. Each language's
    /// <see cref="BotTexts.HumanHint"/> names one.
    /// </summary>
    public List<string> HandoffWords { get; set; } = IntentDefaults.HandoffWords();

    /// <summary>
    /// Phrases (as <see cref="HandoffPhrases"/>, typos not forgiven) that ask for what only a person can do: a
    /// refund, closing the account, raising a quota, erasing personal data, a hacked or suspended account, their app
    /// down right now, an action on their resources ("please approve our load test"). Handed off as <c>person_only</c>,
    /// unless <see cref="HowToPhrases"/> say the message asks how to do it.
    /// </summary>
    public List<string> PersonOnlyPhrases { get; set; } = IntentDefaults.PersonOnlyPhrases();

    /// <summary>
    /// Phrases of a message that asks how to do something or what happens when ("how do I delete my account?",
    /// "what happens when my app crashes?"): the articles answer those, so <see cref="PersonOnlyPhrases"/> do not count.
    /// </summary>
    public List<string> HowToPhrases { get; set; } = IntentDefaults.HowToPhrases();

    /// <summary>
    /// Word classes the phrases name in braces, by name: <c>Bot:PhraseWords:please</c> is every way to say "please"
    /// or "can you" in every language. An entry is a phrase itself and may name another class.
    /// </summary>
    public Dictionary<string, List<string>> PhraseWords { get; set; } = IntentDefaults.PhraseWords();

    /// <summary>Words that make a bare greeting or thanks when nothing else is said.</summary>
    public List<string> Greetings { get; set; } =
    [
        "hi", "hello", "hey", "hiya", "yo", "good morning", "good afternoon", "good evening",
        "thanks", "thank you", "thx", "ty", "cheers", "ok", "okay", "great", "perfect", "cool",
        "bonjour", "salut", "bonsoir", "merci", "hallo", "guten tag", "moin", "danke", "hola",
        "buenos días", "gracias", "ciao", "buongiorno", "grazie", "olá", "obrigado", "obrigada",
    ];

    /// <summary>
    /// What the bot says in other languages, by language code (<c>Bot:Texts:fr:HandoffMessage</c>); the
    /// customer's language picks them, and a text left out falls back to the English one below. Each
    /// language's hint names a word of <see cref="HandoffPhrases"/>, so replying with it reaches a person.
    /// </summary>
    public Dictionary<string, BotTexts> Texts { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fr"] = new()
        {
            GreetingReply = "Bonjour ! Comment puis-je vous aider ? Posez-moi vos questions sur nos services.",
            ThanksReply = "Avec plaisir ! N'hésitez pas si vous avez une autre question.",
            HandoffMessage = "Je transmets votre conversation à notre équipe. Quelqu'un vous répondra ici rapidement.",
            SourcesHeading = "Sources :",
            HumanHint = "Ce n'est pas ce qu'il vous fallait ? Répondez « conseiller » pour parler à une personne.",
        },
        ["de"] = new()
        {
            GreetingReply = "Hallo! Wie kann ich helfen? Fragen Sie mich alles zu unseren Diensten.",
            ThanksReply = "Gern geschehen! Melden Sie sich, wenn Sie noch etwas brauchen.",
            HandoffMessage = "Ich gebe Ihre Unterhaltung an unser Team weiter. Jemand antwortet Ihnen hier in Kürze.",
            SourcesHeading = "Quellen:",
            HumanHint = "Nicht das Richtige? Antworten Sie „Mitarbeiter“, um mit einem Menschen zu sprechen.",
        },
        ["es"] = new()
        {
            GreetingReply = "¡Hola! ¿En qué puedo ayudarle? Pregúnteme lo que quiera sobre nuestros servicios.",
            ThanksReply = "¡De nada! Escríbanos si necesita algo más.",
            HandoffMessage = "Paso su conversación a nuestro equipo. Alguien le responderá aquí en breve.",
            SourcesHeading = "Fuentes:",
            HumanHint = "¿No era lo que buscaba? Responda «agente» para hablar con una persona.",
        },
        ["it"] = new()
        {
            GreetingReply = "Ciao! Come posso aiutarla? Mi chieda qualsiasi cosa sui nostri servizi.",
            ThanksReply = "Prego! Ci scriva se le serve altro.",
            HandoffMessage = "Passo la sua conversazione al nostro team. Qualcuno le risponderà qui a breve.",
            SourcesHeading = "Fonti:",
            HumanHint = "Non era quello che cercava? Risponda «operatore» per parlare con una persona.",
        },
        ["pt"] = new()
        {
            GreetingReply = "Olá! Como posso ajudar? Pergunte-me o que quiser sobre os nossos serviços.",
            ThanksReply = "De nada! Escreva-nos se precisar de mais alguma coisa.",
            HandoffMessage = "Vou passar a sua conversa à nossa equipa. Alguém lhe responderá aqui em breve.",
            SourcesHeading = "Fontes:",
            HumanHint = "Não era o que procurava? Responda «atendente» para falar com uma pessoa.",
        },
        ["nl"] = new()
        {
            GreetingReply = "Hallo! Waarmee kan ik helpen? Vraag me alles over onze diensten.",
            ThanksReply = "Graag gedaan! Laat het weten als u nog iets nodig hebt.",
            HandoffMessage = "Ik geef uw gesprek door aan ons team. Iemand antwoordt u hier snel.",
            SourcesHeading = "Bronnen:",
            HumanHint = "Niet wat u zocht? Antwoord „medewerker” om met een mens te praten.",
        },
    };

    /// <summary>The texts for <paramref name="language"/> (a code like <c>fr</c> or <c>pt_BR</c>), English where none is given.</summary>
    public BotTexts TextsFor(string? language)
    {
        var english = new BotTexts
        {
            GreetingReply = GreetingReply,
            ThanksReply = ThanksReply,
            HandoffMessage = HandoffMessage,
            SourcesHeading = SourcesHeading,
            HumanHint = HumanHint,
        };
        var code = language?.Split('-', '_')[0];
        if (string.IsNullOrWhiteSpace(code) || !Texts.TryGetValue(code, out var local))
        {
            return english;
        }

        return new BotTexts
        {
            GreetingReply = local.GreetingReply ?? english.GreetingReply,
            ThanksReply = local.ThanksReply ?? english.ThanksReply,
            HandoffMessage = local.HandoffMessage ?? english.HandoffMessage,
            SourcesHeading = local.SourcesHeading ?? english.SourcesHeading,
            HumanHint = local.HumanHint ?? english.HumanHint,
        };
    }

    public string GreetingReply { get; set; } = "Hello! What can I help you with? Ask me anything about our services.";

    public string ThanksReply { get; set; } = "You're welcome! Let me know if there is anything else.";

    public string HandoffMessage { get; set; } = "I'm passing your conversation to our support team. Someone will answer you here shortly.";

    public string SourcesHeading { get; set; } = "Sources:";

    public string HumanHint { get; set; } = "Not what you needed? Reply \"agent\" to talk to a person.";
}

/// <summary>What the bot says in one language; a null text falls back to English.</summary>
public sealed class BotTexts
{
    public string? GreetingReply { get; set; }

    public string? ThanksReply { get; set; }

    public string? HandoffMessage { get; set; }

    public string? SourcesHeading { get; set; }

    public string? HumanHint { get; set; }
}
