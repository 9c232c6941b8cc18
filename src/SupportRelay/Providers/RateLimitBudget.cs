namespace SupportRelay.Providers;

/// <summary>
/// Endpoint metadata naming the request budget an endpoint spends (the rate limits are endpoint policies, not
/// path comparisons: a trailing slash or another spelling of the path reaches the same endpoint, and its budget).
/// </summary>
public sealed record RateLimitBudget(string Name)
{
    public const string Provider = "provider";
    public const string Admin = "admin";
}
