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

    /// <summary>Below this retrieval confidence (0 to 1) the bot hands off without calling the LLM.</summary>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = Retrieval.RetrievalDefaults.MinConfidence;

    /// <summary>How many articles retrieval gives to the answer.</summary>
    [Range(1, 10)]
    public int TopArticles { get; set; } = 3;

    /// <summary>Earlier messages of the conversation given to retrieval and the LLM.</summary>
    [Range(0, 50)]
    public int HistoryMessages { get; set; } = 6;

    /// <summary>At most this many bot replies per conversation per minute; a flood gets silence, not a flood.</summary>
    [Range(1, 100)]
    public int MaxRepliesPerMinute { get; set; } = 5;

    /// <summary>Longest reply posted, in UTF-16 characters (what Chatwoot counts); cuts fall between text elements.</summary>
    [Range(200, 20000)]
    public int MaxReplyLength { get; set; } = 3000;

    /// <summary>Words and phrases that ask for a person, matched as whole words in any of these languages.</summary>
    public List<string> HandoffPhrases { get; set; } =
    [
        // English
        "agent", "human", "operator", "representative", "real person", "talk to a person", "speak to a person",
        "speak with a person", "someone real",
        "talk to someone", "speak to someone", "customer service", "support team", "live support",
        // French
        "humain", "conseiller", "opérateur", "une personne", "un agent", "parler à quelqu'un",
        // German
        "mensch", "mitarbeiter", "menschen", "berater", "echte person",
        // Spanish, Italian, Portuguese, Dutch
        "humano", "agente", "operador", "persona real", "operatore", "atendente", "medewerker",
    ];

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
