namespace SupportRelay.Bot;

/// <summary>What a customer's message asks for before any retrieval.</summary>
public enum Intent
{
    Question,

    /// <summary>The customer asks for a person ("agent", "is anyone there?", "can someone call me back").</summary>
    Person,

    /// <summary>
    /// The customer asks for what only a person can do, though no person is asked for: a refund, closing the
    /// account, raising a quota, their app down right now ("please refund last month", not "how do refunds work?").
    /// </summary>
    PersonOnly,

    Greeting,
    Thanks,
}
