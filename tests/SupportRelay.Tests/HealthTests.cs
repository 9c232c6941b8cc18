using System.Net;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_answers_alive()
    {
        await using var app = new AppFactory();
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
