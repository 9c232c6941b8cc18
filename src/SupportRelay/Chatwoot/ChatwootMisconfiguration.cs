namespace SupportRelay.Chatwoot;

/// <summary>
/// Why Chatwoot refused a call because a setting is wrong, not because it is down: <see cref="Problem"/> is a
/// low-cardinality word (also the handoff reason), <see cref="Detail"/> names the settings to fix.
/// </summary>
public sealed record ChatwootMisconfiguration(string Problem, string Detail)
{
    /// <summary>401 "Domain: X is not registered with us": <c>/hc</c> was asked on a host Chatwoot does not serve it on.</summary>
    public const string HelpCenterHost = "help_center_host_refused";

    /// <summary>404 on <c>/hc/{portal}/...</c>: no such portal, or it is archived.</summary>
    public const string HelpCenterPortal = "help_center_portal_unknown";
}
