using System.ComponentModel.DataAnnotations;

namespace SupportRelay.Bot;

/// <summary>The <c>Bot</c> configuration section: when the bot answers, hands off, and what it says.</summary>
public sealed class BotOptions
{
    public const string SectionName = "Bot";

    /// <summary>Provider of conversations that name none (hex Ed25519 public key).</summary>
    [RegularExpression("^[0-9a-fA-F]{64}$", ErrorMessage = "Bot:DefaultProviderPubkey must be 64 hex characters.")]
    public string? DefaultProviderPubkey { get; set; }

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
        // Spanish, Italian, Portuguese
        "humano", "agente", "operador", "persona real", "operatore", "atendente",
    ];

    /// <summary>Words that make a bare greeting or thanks when nothing else is said.</summary>
    public List<string> Greetings { get; set; } =
    [
        "hi", "hello", "hey", "hiya", "yo", "good morning", "good afternoon", "good evening",
        "thanks", "thank you", "thx", "ty", "cheers", "ok", "okay", "great", "perfect", "cool",
        "bonjour", "salut", "bonsoir", "merci", "hallo", "guten tag", "moin", "danke", "hola",
        "buenos días", "gracias", "ciao", "buongiorno", "grazie", "olá", "obrigado", "obrigada",
    ];

    public string GreetingReply { get; set; } = "Hello! What can I help you with? Ask me anything about our services.";

    public string ThanksReply { get; set; } = "You're welcome! Let me know if there is anything else.";

    public string HandoffMessage { get; set; } = "I'm passing your conversation to our support team. Someone will answer you here shortly.";

    public string SourcesHeading { get; set; } = "Sources:";

    public string HumanHint { get; set; } = "Not what you needed? Reply \"agent\" to talk to a person.";
}
