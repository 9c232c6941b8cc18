namespace SupportRelay.Bot;

/// <summary>
/// The built-in phrases of <see cref="BotOptions"/> in English, French, German, Spanish, Italian, Portuguese and
/// Dutch (syntax in <see cref="IntentPattern"/>). They were tuned on the tuning half of
/// <c>corpus/scalingo/questions.jsonl</c> and on paraphrases we wrote (many are in <c>MessageIntentTests</c>),
/// never on the mistakes of its held-out half; <c>bench -- intents</c> measures both. Words are written without regard to accents and case, which the
/// matching ignores; a phrase for a person forgives one typo in a word of five letters or more.
/// </summary>
internal static class IntentDefaults
{
    /// <summary>Phrases that ask for a person wherever they are in the message.</summary>
    public static List<string> HandoffPhrases() =>
    [
        // Asking to talk to someone: "can I speak with someone", "pls connect me to an agent", "passez-moi un technicien".
        "{contact} ... {person}",
        "{contact} to|with agent|agents|support|operator|operators|sales|billing",
        "contact|reach|email|ping|call support|sales|billing",
        "{contact} con|com|met|mit|avec soporte|suporte|support|assistenza|supporto",
        // German and Dutch put the verb last: "mit einem Mitarbeiter sprechen", "iemand van support spreken".
        "{person} ... {contact-last}",
        // Someone to contact them: "please have an engineer contact me", "est-ce que quelqu'un peut me contacter ?".
        "{person} ... contact|call|email|phone|ring|text|help|reach me|us",
        "{someone} ... me|m|mich|mir|uns|nous|mi|ci|nos|ons|mij|lhe ... {call-me}",
        "get|give me|us support|help|someone|somebody|a human|a person",
        "get back to me|us", "by|over|on the phone", "phone call", "a call back", "your phone|telephone number", "hotline",
        "support phone|telephone number", "schedule|book|arrange|plan|organise|organize a|an call|meeting|appointment|demo",
        "set up a|an call|demo",
        "question|questions for {person}", "can|could|may i have|get|speak {person}", "mag|kan|kun ik {person}",
        "puis-je|pourrais-je avoir|parler {person}", "kann|konnte ich {person}", "puedo hablar|tener {person}",
        "mi|ci potete|puoi|puo|potreste|potrebbe chiamare|richiamare|contattare", "forward|pass|send|transfer|hand this|it|my ... to {person}",
        "mettez-moi|mettez en relation|contact", "en relation avec {person}",
        "need|want|get {person}",
        "brauche|brauchen|benotige|benotigen|necesito|necesitamos|preciso|precisamos {person}",
        "besoin de|d|d'un|d'une {person}", "bisogno di|d {person}", "preciso|precisamos de {person}", "{person} nodig",
        "can|could someone|somebody|anyone|anybody ... help|look|check|call|answer|reply|assist|respond|contact",
        "{please} ... {someone} ... help|answer|reply|respond|look|check",
        // Is anyone there?
        "{someone} ... {presence}",
        "is|are there {someone} $",
        "is|are there {someone} {presence}",
        "is|are there {someone} who|that|i|we can|could",
        "is|are there {someone} to|from|at|in|i|we",
        "are you there|real|human|alive|awake",
        "are you|u a bot|robot|human|person|machine|chatbot",
        "is this|it a bot|robot|chatbot|machine|human|person", "is this|it a real person|human",
        "am i talking|speaking|chatting|writing to|with a|an|the bot|robot|chatbot|machine|ai|human|person",
        "am i talking|speaking|chatting|writing to|with a real person|human",
        "{someone} ... answer|respond|reply|assist|attend|serve me|us|this|my", "will|is|isn't|isnt {someone} going to answer|respond|reply|help",
        "help|assistance|support|advice from {person}", "contact|reach|call|email|phone you|u", "a number i|we can call",
        // A complaint, with its verb or article ("the build complains" is no complaint).
        "file|make|lodge|submit|raise|open a|an|my complaint", "formal complaint", "i|we want|wish to complain",
        "une|ma reclamation", "faire une reclamation", "eine beschwerde", "mich|uns beschweren", "una queja|reclamacion",
        "poner una queja|reclamacion", "un reclamo", "fare un reclamo", "uma reclamacao", "fazer uma reclamacao",
        "een klacht", "klacht indienen",
        "ansprechpartner|ansprechperson|interlocuteur|interlocutrice|interlocutor|interlocutore|aanspreekpunt|contactpersoon",
        "are you|u a real person|human", "r u a bot|robot|human",
        "you there", "is this thing on", "is this thing working", "anyone home", "is daar|hier {someone}",
        "y a {someone}",
        "{someone} est la|present|presente|dispo|disponible|connecte",
        "{someone} en ligne",
        "ist|sind da|hier {someone}", "ist {someone} da|hier|online|erreichbar", "{someone} da|hier", "gibt es ... {someone}",
        "hay {someone}", "{someone} ahi|disponible|conectado",
        "c'e {someone}", "ce {someone}", "{someone} c'e|online|disponibile",
        "tem {someone}", "{someone} ai|online|disponivel",
        "is er {someone}", "{someone} daar|aanwezig|online|beschikbaar",
        // Who can I talk to about an enterprise contract?
        "who can|could|should|do|shall i|we talk|speak|contact|call|reach|write",
        "with whom can|could|should i|we",
        // Not the bot: "this bot is useless", "stop sending me docs", "I need a real answer from your team".
        "{bot} ... {useless}", "{useless} ... {bot}",
        "not a|an bot|robot|chatbot|machine",
        "not talking|speaking|chatting to|with a|the bot|robot|machine|chatbot",
        "giving|gave|give|sent|sending|send|showing|shows me|us the|a wrong|irrelevant|useless article|articles|answer|answers|link|links|doc|docs",
        "this|your chat ... {useless}",
        "don't|dont want a|an|the|to bot|robot|chatbot",
        "this|that is|was useless|pointless|unhelpful",
        "this|that is|was not helpful|helping",
        "this|that isn't|isnt|wasn't|wasnt helpful|helping",
        "you're|youre|ur useless|unhelpful|stupid|dumb",
        "you are useless|unhelpful|stupid|dumb",
        "you're|youre not helping|helpful",
        "you are not helping|helpful",
        "stop sending me|us",
        "stop the bot", "stop bot",
        "not what i|we asked|need|needed|meant|want|wanted",
        "doesn't|doesnt|didn't|didnt|does|did|don't|dont|not|never answer|answering|answered my|the|our question|questions",
        "you don't|dont|didn't|didnt|do|did understand", "you're|youre|you are not understanding|listening",
        "no more bot|bots|robot|robots|chatbot|chatbots|articles|links|docs", "enough with the bot|bots|links|articles",
        "a|an real|proper|actual|human|straight|honest answer|reply",
        "answer|reply|response from {person}",
        "ne sert a rien", "ne me sert a rien", "ne m'aide pas", "ne comprend rien|pas", "vous ne m'aidez pas", "pas un robot|bot",
        "hilft mir nicht", "kein|keinen bot|roboter|chatbot",
        "no me ayuda", "no me sirve", "no quiero un bot|robot",
        "non mi aiuta", "non mi serve", "non voglio un bot|robot",
        "nao me ajuda", "nao me serve", "nao quero um bot|robo",
        "helpt me niet", "geen bot|robot|chatbot",
        // Call me back.
        "call|phone|ring|calling|phoning me|us",
        "call|phone me|us back",
        "call back",
        "give me|us a call|ring",
        "rappeler|rappelez|rappelle|recontacter|recontactez|m'appeler|appelez-moi|rappelez-moi",
        "nous appeler|rappeler",
        "zuruckrufen|zurueckrufen|ruckruf|rueckruf|anrufen",
        "ruft|rufen|ruf ... mich|uns an|zuruck",
        "llamarme|llamadme|llameme|llamame|llamenme|llamarnos",
        "me|nos llamen|llame|llamas|llamais|llamaran",
        "me|nos pueden|puede|podrian|podria|podeis llamar|contactar|devolver",
        "devolver|devuelvan|devuelva la llamada",
        "richiamarmi|chiamarmi|richiamatemi|chiamatemi|ricontattarmi|richiamarci|chiamarci",
        "mi|ci richiamate|chiamate|richiami|chiami|richiamereste",
        "ligar-me|ligue-me|liguem-me|retornem",
        "me|nos ligar|ligue|liguem|ligam|ligariam|ligaria",
        "ligar para|pra mim|nos",
        "retornar a ligacao",
        "terugbellen|terugbelverzoek|teruggebeld",
        "gebeld worden", "etre rappele|rappelee|recontacte|recontactee|appele|appelee", "zuruckgerufen|angerufen werden",
        "bel|bellen me|mij|ons",
        "me|mij|ons bellen|terugbellen",
        // Escalate this (not "privilege escalation").
        "escalate this|it|that|my|our|the|to|please|asap|now|immediately|urgently|me|ticket|issue|case|problem|request",
        "{please} escalate", "eskalieren", "escaleren", "escalade|escaladez|escalader cette|ce|ma|mon|la|le",
        // Words that ask for a person on their own.
        "human|humans|humain|humains|humano|humanos|umano|mensch|menschen|menschlichen",
        "real|actual|live|living person|persons|people|human|agent|agents|support",
        "echte|echten|richtige|richtigen|wirkliche person|personen|mensch|menschen",
        "personne reelle", "vraie personne", "persona real|reale|vera", "pessoa real|verdadeira", "echt|echte persoon|mens",
        "representative|representatives",
    ];

    /// <summary>Words that ask for a person when the message says nothing else (beside greetings and "please").</summary>
    public static List<string> HandoffWords() =>
    [
        "agent", "agents", "human", "person", "operator", "representative", "support", "someone", "somebody", "anyone",
        "anybody", "escalate", "engineer", "technician", "staff", "ansprechpartner", "customer service", "customer support", "customer care",
        "service client", "support client", "kundendienst", "kundenservice", "atencion al cliente", "servicio al cliente",
        "assistenza clienti", "servizio clienti", "atendimento ao cliente", "servico ao cliente", "klantenservice",
        "conseiller", "conseillere", "operateur", "technicien", "humain", "quelqu'un", "personne",
        "mitarbeiter", "mitarbeiterin", "berater", "techniker", "jemand", "mensch",
        "agente", "operador", "tecnico", "alguien", "persona", "humano",
        "operatore", "qualcuno", "umano",
        "atendente", "alguem", "pessoa",
        "medewerker", "iemand", "mens", "technicus",
    ];

    /// <summary>Phrases that ask for what only a person can do: a request to act on the customer's account, or a report.</summary>
    public static List<string> PersonOnlyPhrases() =>
    [
        // A request to act on their account or resource: "please approve our load test", "can you increase the max
        // containers to 25 for our app", "merci de supprimer mes données". Theirs, so that "can you delete an app
        // from the CLI?" (anyone's, the way to do it) stays a question.
        "{please} ... {act} & {mine}",
        "{polite} ... {act} & {ours}",
        // An order with a please: "close my account please" (not "lock file conflicts in my repo, please help").
        "^ close|cancel|delete|erase|remove|refund|unblock|unlock|unsuspend|reactivate|approve|enable|activate|increase|raise|reset|restore|redeploy|transfer|terminate & {polite} & {mine}",
        "{please} ... {act} ... {limit}|{invoice}|{owner}",
        // German and Dutch put the verb last: "können Sie bitte das Limit für unsere App erhöhen".
        "{please-last} ... ... ... {act} & {mine}",
        // Their invoices or billing details: "please put our new VAT number on the invoices".
        "{please} & {invoice} & {mine}",
        "{lock} it|my|our|the account|accounts|apps|tokens|now|asap|immediately",
        // Money back, whatever the form: "please refund last month", "er is twee keer geld afgeschreven".
        "{refund}",
        "{twice} ... {charged}", "{charged} ... {twice}",
        // A compromised account: "i think my account was hacked", "i see strange activity, please lock my account".
        "{breach} & {mine}",
        "{breach-strong}",
        // A suspended account: "unser Konto wurde gesperrt".
        "{account} ... {blocked} & {mine}", "{blocked} ... {account} & {mine}",
        "locked out",
        // Their app down now: "production returns 502 since 10 minutes", "mon application est en panne depuis ce matin".
        "{down} ... {now} & {ours}", "{now} ... {down} & {ours}",
        // Erase my personal data.
        "gdpr|rgpd|dsgvo|lgpd & {erase}",
        "right to erasure", "right to be forgotten", "droit a l'oubli", "recht auf vergessenwerden", "derecho al olvido",
        "diritto all'oblio",
    ];

    /// <summary>
    /// Phrases of a message that asks how to do something, or what happens when, rather than asking us to do it:
    /// with one of them, <see cref="PersonOnlyPhrases"/> do not count ("how do I delete my account?" is answered
    /// from the articles, "please delete our account" goes to a person).
    /// </summary>
    public static List<string> HowToPhrases() =>
    [
        "how", "what happens|happened|caused|causes|happen", "what do|should|can|could|would|must i|we",
        "what to do", "what if", "what now", "should i|we worry", "should i|we be worried|concerned", "is that|this|it right|true|correct|normal|expected|so",
        "explain|explanation|advise|advice|uitleg|explication|expliquer|erklarung|erklaren|explicacion|explicar|spiegazione|spiegare|explicacao", "is|are ... possible|allowed|available|supported", "is it possible", "is there a way", "is it normal|expected", "possible to", "in case",
        "what does|do|is|are ... mean|means", "what port|command|value|setting|version|size|metric|variable",
        "which ... should|do|does|can|could|is|are|would|will", "where can|do|should|is|are|does|to",
        "^ does|do|did|will|would|should|shall", "where i|we can|could|should|do", "tell|show|explain ... where|what|which|whether",
        "do you offer|refund|provide|give|allow|support|charge|bill", "refund policy", "if i|my|we|our|the|an|a",
        "comment", "que se passe", "qu'est-ce qui", "que faire", "que dois", "est-il possible", "est-ce possible",
        "si je|mon|ma|mes|notre|nos|on", "en cas de",
        "wie kann|konnen|mache|macht|geht|funktioniert|richte|stelle|lange|viel|oft|bekomme|erhalte",
        "was passiert|geschieht|tun|muss|soll", "ist es moglich", "wenn ich|mein|meine|wir|unser|unsere", "falls",
        "como", "que pasa|hago|debo|sucede", "es posible", "se puede", "si mi|mis|nuestro|nuestra", "en caso de",
        "come posso|faccio|si|fare|devo", "cosa succede|devo|faccio", "che succede", "e possibile", "se il|la|mio|mia|nostro|nostra",
        "o que acontece|faco|devo", "e possivel", "se meu|minha|o|a|nosso|nossa", "em caso de",
        "hoe", "wat gebeurt|moet|kan", "is het mogelijk", "als mijn|ik|onze|we|wij",
    ];

    /// <summary>The word classes the phrases name in braces.</summary>
    public static Dictionary<string, List<string>> PhraseWords() => new(StringComparer.OrdinalIgnoreCase)
    {
        // Who is asked for when someone is asked for, beside "someone".
        ["someone"] =
        [
            "someone", "somebody", "anyone", "anybody", "some one", "any one", "some1", "any1", "sum1", "ne1", "nebody", "somone", "anyon",
            "a human", "a person", "a real person", "a live person", "human", "person", "sb", "smb", "smbd",
            "quelqu'un", "qqn", "qqun", "quelquun", "une personne", "un humain",
            "jemand", "jemanden", "jemandem", "einen menschen", "einem menschen",
            "alguien", "una persona", "un humano",
            "qualcuno", "una persona", "un umano",
            "alguem", "uma pessoa", "um humano",
            "iemand", "een persoon", "een mens",
        ],
        ["person"] =
        [
            "{someone}",
            "an agent", "a live agent", "a human agent", "a support agent", "live agent", "human agent", "support agent",
            "an operator", "a representative", "a rep", "customer rep", "a support rep", "an engineer", "your engineers", "one of your engineers",
            "a technician", "your technicians", "tech support", "technical support", "a tech", "your staff", "support staff",
            "a staff member", "your team", "your support", "the support team", "support team", "your support team", "customer support",
            "customer service", "customer care", "support person", "support people", "a manager", "a supervisor", "someone from support",
            "your billing team", "your sales team", "sales team", "billing team", "an expert", "a specialist",
            "support engineer", "a support engineer", "support engineers", "your boss", "the boss", "the manager", "your manager",
            "the person in charge", "someone in charge", "a colleague", "your colleague", "your colleagues", "a coworker",
            "your accountant", "your accounting", "your finance team", "your legal team", "your security team", "your dpo",
            "le responsable", "votre responsable", "un collegue", "votre collegue", "den chef", "ihren chef", "einen kollegen",
            "el responsable", "el encargado", "un companero", "il responsabile", "un collega", "o responsavel", "um colega",
            "de manager", "je baas", "de baas", "een collega",
            "un agent", "un conseiller", "une conseillere", "un technicien", "technicien", "un operateur", "un membre de l'equipe",
            "membre de l'equipe", "votre equipe", "l'equipe", "service client", "support client", "le support", "le service client", "un responsable", "un expert",
            "mitarbeiter", "einen mitarbeiter", "einem mitarbeiter", "einer mitarbeiterin", "mitarbeiterin", "berater",
            "einen berater", "einem berater", "techniker", "einem techniker", "einen techniker", "ihr team", "ihrem team",
            "dem support", "ihrem support", "den support", "kundendienst", "kundenservice", "menschen", "einen ansprechpartner",
            "einem ansprechpartner",
            "un agente", "un tecnico", "un operador", "su equipo", "vuestro equipo",
            "el soporte", "soporte tecnico", "un asesor", "asesor", "atencion al cliente", "servicio al cliente",
            "un operatore", "un tecnico", "il vostro team", "il team", "l'assistenza", "un consulente", "assistenza clienti", "servizio clienti",
            "um atendente", "atendente", "um tecnico", "sua equipe", "a equipe", "equipe", "equipe tecnica", "vossa equipa",
            "o suporte", "suporte tecnico", "o atendimento", "atendimento ao cliente", "servico ao cliente",
            "een medewerker", "medewerker", "een technicus", "jullie team", "het team", "de helpdesk", "helpdesk",
            "klantenservice",
        ],
        // Talking to, reaching, being put through.
        ["contact"] =
        [
            "talk", "talking", "speak", "speaking", "chat", "chatting", "contact", "reach", "call", "phone", "write to",
            "connect me", "connect us", "put me through", "transfer me", "transfer us", "forward me", "pass me", "hand me over",
            "get me", "give me", "send me to", "ask for", "hand this over", "hand over", "get in touch with", "in touch with",
            "parler", "discuter", "echanger", "m'entretenir", "joindre", "contacter", "appeler", "passez-moi", "passe-moi", "mettre en relation",
            "en contact avec",
            "sprechen", "reden", "chatten", "telefonieren", "kontaktieren", "erreichen", "verbinden sie mich", "verbinde mich",
            "hablar", "contactar", "comunicarme", "comunicar", "pasame", "paseme", "ponerme en contacto", "ponme con", "llamar",
            "parlare", "contattare", "passami", "mi passi", "passatemi", "mi passate", "mettermi in contatto", "chiamare",
            "pasadme", "pasenme", "passem-me", "me passem", "passe-me",
            "falar", "conversar", "contatar", "contactar", "me passa", "passa-me", "me passe", "chamar", "ligar",
            "spreken", "praten", "chatten", "contact", "bellen", "doorverbinden", "verbind me", "verbinden",
        ],
        // Verbs of calling or contacting that come after the pronoun: "quelqu'un peut me contacter", "mi può chiamare".
        ["call-me"] =
        [
            "contacter", "appeler", "rappeler", "aider", "joindre", "kontaktieren", "anrufen", "zuruckrufen", "helfen",
            "contactar", "llamar", "ayudar", "atender", "atenderme", "contattare", "chiamare", "richiamare", "aiutare", "assistere",
            "contatar", "ligar", "ajudar", "atender", "atenda", "atende",
            "contacteren", "bellen", "terugbellen", "helpen",
        ],
        // German and Dutch verbs that come after the person.
        ["contact-last"] =
        [
            "sprechen", "reden", "chatten", "telefonieren", "kontaktieren", "erreichen", "anrufen", "zuruckrufen", "schreiben",
            "spreken", "praten", "chatten", "contacteren", "bereiken", "bellen", "terugbellen",
        ],
        ["presence"] =
        [
            "there", "there?", "here", "online", "available", "around", "awake", "listening", "reading this", "real", "alive",
            "on the line", "on the phone", "in the office", "home",
        ],
        ["bot"] =
        [
            "bot", "bots", "chatbot", "robot", "robots", "ai", "robo", "roboter",
        ],
        ["useless"] =
        [
            "useless", "stupid", "dumb", "sucks", "worthless", "pointless", "not helping", "isnt helping", "isn't helping",
            "doesnt help", "doesn't help", "does not help", "can't help", "cant help", "cannot help", "not helpful", "unhelpful",
            "no help", "no use", "of no use", "doesnt understand", "doesn't understand", "not understand",
            "inutile", "nul", "ne sert a rien", "m'aide pas", "aide pas", "comprend pas", "comprend rien",
            "nutzlos", "hilft nicht", "hilft mir nicht", "bringt nichts", "versteht nicht", "versteht mich nicht", "unbrauchbar",
            "inutil", "no ayuda", "no me ayuda", "no sirve", "no entiende",
            "non aiuta", "non mi aiuta", "non serve", "non capisce",
            "nao ajuda", "nao me ajuda", "nao serve", "nao entende",
            "nutteloos", "helpt niet", "helpt me niet", "waardeloos", "begrijpt niet", "begrijpt me niet",
        ],
        // A request addressed to us.
        // Please, in so many words.
        ["polite"] =
        [
            "please", "pls", "plz", "plse", "pleas", "kindly", "svp", "s'il vous plait", "s'il te plait", "stp", "merci de",
            "veuillez", "bitte", "por favor", "porfa", "per favore", "per piacere", "perfavore", "graag", "alstublieft",
            "alsjeblieft", "aub",
        ],
        ["lock"] = ["lock", "block", "freeze"],
        ["owner"] =
        [
            "owner", "ownership", "proprietaire", "propriete", "titulaire", "eigentumer", "inhaber", "propietario", "titular",
            "proprietario", "titolare", "eigenaar",
        ],
        [IntentPhrases.PleaseClass] =
        [
            "please", "pls", "plz", "plse", "pleas", "kindly", "can you", "could you", "would you", "can u",
            "could u", "would u", "are you able to", "would it be possible to", "i need you to", "we need you to",
            "i want you to", "we want you to", "i'd like you to", "we'd like you to", "i would like you to", "we would like you to",
            "i ask you to", "we ask you to", "we request", "i request",
            "svp", "s'il vous plait", "s'il te plait", "stp", "merci de", "veuillez", "pouvez-vous", "pourriez-vous",
            "vous pouvez", "pouvez vous", "pourriez vous", "je vous prie de", "je vous demande de", "nous vous demandons de",
            "bitte", "konnen sie", "konnten sie", "konnt ihr", "konntet ihr", "kannst du", "wurden sie", "ich bitte sie",
            "wir bitten sie",
            "por favor", "porfa", "puede", "pueden", "podria", "podrian", "podeis", "puedes", "le pido", "les pido",
            "necesito que", "necesitamos que", "quiero que",
            "per favore", "per piacere", "perfavore", "potete", "puo", "potreste", "potrebbe", "puoi", "vi chiedo di",
            "le chiedo di", "vi prego di",
            "pode", "podem", "poderia", "poderiam", "preciso que", "precisamos que", "gostaria que", "peco que",
            "graag", "alstublieft", "alsjeblieft", "aub", "kunnen jullie", "kunt u", "kun je", "zou u", "zouden jullie",
            "willen jullie", "wilt u",
        ],
        // A request in German or Dutch, whose verb comes at the end of the clause.
        ["please-last"] =
        [
            "bitte", "konnen sie", "konnten sie", "konnt ihr", "konntet ihr", "kannst du", "wurden sie", "wir bitten sie",
            "ich bitte sie", "graag", "kunnen jullie", "kunt u", "kun je", "zou u", "zouden jullie", "willen jullie", "wilt u",
            "alstublieft", "alsjeblieft",
        ],
        ["invoice"] =
        [
            "invoice", "invoices", "vat", "vat number", "billing address", "billing details", "billing email", "company name",
            "credit note", "facture", "factures", "tva", "adresse de facturation", "raison sociale", "rechnung",
            "rechnungen", "ust-id", "ust-idnr", "rechnungsadresse", "gutschrift", "firmenname", "factura", "facturas", "nif",
            "cif", "direccion de facturacion", "fattura", "fatture", "partita iva", "nota di credito", "fatura", "faturas",
            "nota fiscal", "cnpj", "factuur", "facturen", "btw", "btw-nummer", "factuuradres", "creditnota",
        ],
        // What only staff can do to an account or a resource.
        ["act"] =
        [
            "put", "add", "set", "issue", "grant", "give me|us access",
            // The forms a request takes: "annulez", "cancelen", "chiudete", "cancelem".
            "remboursez", "annulez", "resiliez", "fermez", "cloturez", "supprimez", "effacez", "retirez", "changez", "modifiez",
            "corrigez", "augmentez", "activez", "debloquez", "reactivez", "retablissez", "restaurez", "reinitialisez",
            "bloquez", "desactivez", "approuvez", "validez", "autorisez", "redeployez", "transferez",
            "reembolsen", "reembolse", "devuelvan", "devuelva", "cancelen", "cancele", "cierren", "cierre", "eliminen", "elimine",
            "borren", "borre", "cambien", "cambie", "modifiquen", "modifique", "actualicen", "actualice", "corrijan", "corrija",
            "aumenten", "aumente", "amplien", "amplie", "activen", "active", "habiliten", "habilite", "desbloqueen", "desbloquee",
            "reactiven", "reactive", "restablezcan", "restablezca", "bloqueen", "bloquee", "desactiven", "desactive",
            "aprueben", "apruebe", "autoricen", "autorice", "transfieran", "transfiera",
            "rimborsate", "annullate", "disdite", "chiudete", "cancellate", "eliminate", "rimuovete", "cambiate", "modificate",
            "aggiornate", "correggete", "aumentate", "alzate", "attivate", "abilitate", "sbloccate", "riattivate",
            "ripristinate", "reimpostate", "bloccate", "disattivate", "approvate", "autorizzate", "trasferite",
            "reembolsem", "estornem", "devolvam", "cancelem", "encerrem", "fechem", "excluam", "apaguem", "removam", "alterem",
            "mudem", "atualizem", "corrijam", "aumentem", "ativem", "habilitem", "desbloqueiem", "reativem", "restaurem",
            "redefinam", "bloqueiem", "desativem", "aprovem", "autorizem", "transfiram",
            "refund", "reimburse", "credit back", "cancel", "close", "terminate", "delete", "erase", "remove", "wipe", "purge",
            "change", "update", "modify", "correct", "edit", "amend", "transfer", "increase", "raise", "extend", "bump", "lift",
            "enable", "activate", "turn on", "unlock", "unblock", "unsuspend", "reactivate", "reinstate", "restore", "reset",
            "lock", "block", "disable", "freeze", "suspend", "revoke", "approve", "authorize", "authorise", "whitelist",
            "allowlist", "redeploy", "roll back", "rollback", "revert", "move", "migrate",
            "rembourser", "annuler", "resilier", "fermer", "cloturer", "clore", "supprimer", "effacer", "retirer", "changer",
            "modifier", "mettre a jour", "corriger", "rectifier", "transferer", "augmenter", "relever", "etendre", "activer",
            "debloquer", "reactiver", "retablir", "restaurer", "reinitialiser", "bloquer", "verrouiller", "desactiver",
            "suspendre", "revoquer", "approuver", "valider", "autoriser", "redeployer",
            "erstatten", "zuruckerstatten", "gutschreiben", "stornieren", "kundigen", "schliessen", "loschen", "entfernen",
            "andern", "aktualisieren", "korrigieren", "berichtigen", "ubertragen", "erhohen", "anheben", "aktivieren",
            "freischalten", "entsperren", "reaktivieren", "wiederherstellen", "zurucksetzen", "sperren", "deaktivieren",
            "genehmigen", "freigeben",
            "reembolsar", "devolver", "cancelar", "cerrar", "dar de baja", "eliminar", "borrar", "quitar", "cambiar", "modificar",
            "actualizar", "corregir", "transferir", "aumentar", "ampliar", "subir", "activar", "habilitar", "desbloquear",
            "reactivar", "restablecer", "restaurar", "bloquear", "desactivar", "suspender", "revocar", "aprobar", "autorizar",
            "rimborsare", "annullare", "disdire", "chiudere", "cancellare", "rimuovere", "cambiare", "modificare", "aggiornare",
            "correggere", "trasferire", "aumentare", "alzare", "attivare", "abilitare", "sbloccare", "riattivare", "ripristinare",
            "reimpostare", "bloccare", "disattivare", "sospendere", "revocare", "approvare", "autorizzare",
            "estornar", "encerrar", "fechar", "excluir", "apagar", "remover", "alterar", "mudar", "atualizar", "corrigir",
            "ativar", "reativar", "redefinir", "desativar", "revogar", "aprovar",
            "terugbetalen", "terugstorten", "restitueren", "annuleren", "opzeggen", "sluiten", "opheffen", "verwijderen", "wissen",
            "wijzigen", "aanpassen", "veranderen", "bijwerken", "corrigeren", "overdragen", "verhogen", "ophogen", "activeren",
            "inschakelen", "deblokkeren", "ontgrendelen", "vrijgeven", "heractiveren", "herstellen", "resetten", "blokkeren",
            "uitschakelen", "intrekken", "goedkeuren",
        ],
        // The customer's own: "my", "our", "me", "us".
        ["mine"] =
        [
            "my", "our", "me", "us", "mine", "ours", "myself", "we",
            "mon", "ma", "mes", "notre", "nos", "moi", "nous",
            "mein", "meine", "meinen", "meinem", "meiner", "meines", "unser", "unsere", "unseren", "unserem", "unserer", "mich", "mir", "uns",
            "mi", "mis", "nuestro", "nuestra", "nuestros", "nuestras", "nos",
            "mio", "mia", "miei", "mie", "nostro", "nostra", "nostri", "nostre",
            "meu", "minha", "meus", "minhas", "nosso", "nossa", "nossos", "nossas",
            "mijn", "onze", "ons", "mij",
        ],
        // A limit only staff raise: "can you raise the limit?".
        ["limit"] = ["limit", "limits", "quota", "quotas", "maximum", "max", "limite", "limites", "limitation", "grenze", "kontingent", "limiet"],
        ["refund"] =
        [
            "refund", "refunds", "refunded", "refunding", "money back", "reimbursement", "reimburse", "chargeback",
            "remboursement", "rembourser", "remboursez", "rembourse", "erstattung", "ruckerstattung", "erstatten",
            "zuruckerstatten", "erstatten sie", "reembolso", "reembolsar", "reembolsen", "devolucion", "rimborso", "rimborsare",
            "rimborsate", "estorno", "estornar", "terugbetaling", "terugbetalen", "restitutie", "geld terug",
        ],
        ["twice"] =
        [
            "twice", "double", "doubled", "two times", "# times", "three times", "multiple times", "several times", "3x",
            "trois fois", "plusieurs fois", "dreimal", "mehrfach", "tres veces", "varias veces", "tre volte", "piu volte",
            "tres vezes", "varias vezes", "drie keer", "meerdere keren", "duplicate", "duplicated", "deux fois", "en double", "zweimal",
            "doppelt", "doppelte", "doppelten", "dos veces", "doble", "duplicado", "due volte", "doppio", "duplicato", "duas vezes",
            "em dobro", "duplicada", "duplicado", "dubbel", "twee keer", "tweemaal", "2x",
        ],
        ["charged"] =
        [
            "charged", "charge", "charges", "billed", "debited", "invoiced", "payment", "preleve", "prelevement", "debite",
            "facture", "abgebucht", "abbuchung", "belastet", "berechnet", "cobrado", "cobro", "cargo", "cargado", "facturado",
            "addebitato", "addebito", "fatturato", "cobranca", "debitado", "faturado", "afgeschreven", "afschrijving",
            "gefactureerd",
        ],
        // A compromised account, with "my" or "our" near: "compromised" alone may be a question about a vulnerability.
        ["breach"] =
        [
            "compromised", "stolen", "leaked", "breached", "compromis", "vole", "volee", "kompromittiert", "gestohlen",
            "comprometida", "comprometido", "robado", "robada", "compromesso", "compromessa", "rubato", "rubata", "violato",
            "invadida", "invadido", "roubado", "roubada", "gecompromitteerd", "gestolen",
        ],
        ["breach-strong"] =
        [
            "hacked", "got hacked", "been hacked", "suspicious activity", "suspicious login", "suspicious logins",
            "strange activity", "unusual activity", "unknown login", "someone logged in|into", "logged into my|our account",
            "someone accessed my|our", "someone changed|deleted|reset my|our", "we|i did not|didn't|didnt do it|this|that",
            "wasn't us", "wasnt us", "not us", "wasn't me", "wasnt me", "was not me", "unknown device", "unknown ip", "unauthorized access", "unauthorised access",
            "pirate", "piratee", "piratage", "activite suspecte", "activite inhabituelle", "acces non autorise", "gehackt",
            "verdachtige aktivitat", "verdachtige aktivitaten", "unbefugter zugriff", "hackeado", "hackeada", "hackearon",
            "actividad sospechosa", "acceso no autorizado", "hackerato", "hackerata", "attivita sospetta",
            "accesso non autorizzato", "atividade suspeita", "acesso nao autorizado", "verdachte activiteit",
        ],
        ["account"] = ["account", "accounts", "apps", "compte", "comptes", "konto", "zugang", "cuenta", "conta"],
        ["blocked"] =
        [
            "suspended", "blocked", "locked", "disabled", "deactivated", "banned", "frozen", "suspendu", "bloque", "bloquee",
            "desactive", "verrouille", "gesperrt", "blockiert", "deaktiviert", "suspendida", "suspendido", "bloqueada",
            "bloqueado", "desactivada", "sospeso", "bloccato", "disattivato", "suspensa", "suspenso", "desativada",
            "geblokkeerd", "opgeschort", "gedeactiveerd", "geschorst",
        ],
        // Their app down: "is down", "returns 502", "en panne" (not "scale down", not "502s" now and then).
        ["down"] =
        [
            "is down", "are down", "went down", "been down", "seems down", "looks down", "still down", "all down",
            "completely down", "totally down", "app down", "site down", "prod down", "production down", "website down", "down $",
            "api down", "service down", "server down", "everything down", "down again", "offline", "unreachable",
            "not responding", "unresponsive", "not loading", "not reachable", "can't be reached", "cannot be reached", "crashing", "keeps crashing", "crashed", "500", "502", "503", "504",
            "outage", "en panne", "hors service", "hors ligne", "inaccessible", "injoignable", "ne repond plus", "ne repond pas",
            "plante", "plantee", "plantes", "plantees", "ne marche plus", "ne fonctionne plus", "ausgefallen", "nicht erreichbar", "abgesturzt",
            "funktioniert nicht mehr", "geht nicht mehr", "caida", "caido", "no funciona", "no responde", "inaccesible",
            "fuera de servicio", "non funziona", "e giu", "irraggiungibile", "fuori servizio", "non risponde", "fora do ar",
            "caiu", "nao funciona", "nao responde", "indisponivel", "ligt plat", "onbereikbaar", "werkt niet", "ligt eruit",
        ],
        // Now, or urgently: "since 10 minutes", "depuis ce matin" (not "since I changed the port", which asks why).
        ["now"] =
        [
            "since #", "since yesterday|tonight|noon|midnight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this|last|the|an|one|two|three|several|a|few",
            "for # minutes|min|mins|hours|hour|h|m", "for an|a|several|few|many hour|hours|minutes", "for the last|past",
            "# minutes|min|mins|hours|hour ago", "right now", "currently", "at the moment", "this morning", "urgent", "urgently",
            "asap", "immediately", "emergency", "help", "still",
            "depuis", "ce matin", "urgent", "urgence", "aide", "au secours", "actuellement", "en ce moment",
            "seit", "heute morgen|fruh|fruh", "gerade", "dringend", "hilfe", "sofort", "notfall", "momentan",
            "desde hace|ayer|anoche|hoy|esta|las|la|#", "hace # minutos|horas", "esta manana", "urgente", "ayuda", "ahora mismo",
            "da stamattina|ieri|stanotte|ore|minuti|un|una|due|tre|dieci|qualche|mezz'ora|#", "stamattina", "urgente", "aiuto", "adesso", "in questo momento",
            "desde hoje|ontem|as|a|o|esta|#", "ha # minutos|horas", "hoje cedo", "esta manha", "urgente", "ajuda", "agora",
            "sinds", "al # minuten|uur", "vanochtend", "vanmorgen", "dringend", "nu",
        ],
        // Theirs, or in production: "our app", "production returns 502", "app acme-prod".
        ["ours"] =
        [
            "{mine}", "production", "prod", "app", "site", "website", "api", "application", "appli", "service", "shop",
            "webshop", "boutique", "web", "applicazione", "aplicacion", "aplicacao", "sito", "sitio", "webseite", "seite", "website",
            "database", "db", "addon", "postgres", "postgresql", "mysql", "redis", "mongodb", "opensearch",
        ],
        ["erase"] =
        [
            "erase", "delete", "remove", "wipe", "erasure", "deletion", "supprimer", "effacer", "suppression", "loschen",
            "loschung", "eliminar", "borrar", "supresion", "cancellare", "eliminare", "cancellazione", "apagar", "excluir",
            "exclusao", "verwijderen", "wissen", "verwijdering", "deleted", "erased", "removed", "wiped", "supprimees",
            "supprimes", "effacees", "geloscht", "eliminados", "borrados", "eliminati", "cancellati", "apagados", "excluidos",
            "verwijderd",
        ],
    };
}
