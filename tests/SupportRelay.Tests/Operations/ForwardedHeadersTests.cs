using System.Net;
using Microsoft.AspNetCore.Http;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Operations;

/// <summary>Client addresses come from configured proxies only, and the admin and provider APIs have budgets of their own.</summary>
public sealed class ForwardedHeadersTests
{
    private const string AdminPath = "/api/v1/admin/providers";

    private static AppFactory App(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Admin:ApiToken"] = AdminToken,
            ["ProviderApi:RequestsPerMinutePerIp"] = "3",
            ["Admin:RequestsPerMinutePerIp"] = "3",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new AppFactory(all);
    }

    /// <summary>A request as it reaches the service over a connection from <paramref name="remote"/>.</summary>
    private static async Task<int> SendAsync(AppFactory app, string path, string remote, string? forwardedFor = null, string? token = AdminToken)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }

            if (token is not null)
            {
                c.Request.Headers.Authorization = "Bearer " + token;
            }
        }, TestContext.Current.CancellationToken);
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task Provider_requests_do_not_spend_the_operators_budget()
    {
        await using var app = App(new Dictionary<string, string?>());
        app.Start();

        var provider = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            provider.Add(await SendAsync(app, ConfigPath, "192.0.2.10"));
        }

        var admin = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            admin.Add(await SendAsync(app, AdminPath, "192.0.2.10"));
        }

        Assert.Equal([401, 401, 401, 429, 429], provider);
        Assert.Equal([200, 200, 200, 429], admin);
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_client_has_its_own_budget()
    {
        await using var app = App(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.1" });
        app.Start();

        var alice = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            alice.Add(await SendAsync(app, AdminPath, "10.0.0.1", forwardedFor: "203.0.113.1"));
        }

        var bob = await SendAsync(app, AdminPath, "10.0.0.1", forwardedFor: "203.0.113.2");

        Assert.Equal([200, 200, 200, 429], alice);
        Assert.Equal(200, bob);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("10.0.0.1")]
    public async Task A_forwarded_address_from_anyone_but_a_configured_proxy_is_ignored(string? proxy)
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED alone used to believe every X-Forwarded-For: one client could guess
        // the admin token without limit by changing the header each time.
        var settings = new Dictionary<string, string?> { ["FORWARDEDHEADERS_ENABLED"] = "true" };
        if (proxy is not null)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = proxy;
        }

        await using var app = App(settings);
        app.Start();

        var guesses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            guesses.Add(await SendAsync(app, AdminPath, "198.51.100.7", forwardedFor: $"203.0.113.{i}", token: $"guess-{i:D4}-0123456789abcdef"));
        }

        Assert.Equal(3, guesses.Count(status => status == 401));
        Assert.Equal(17, guesses.Count(status => status == 429));
    }
}
