using System.Net;
using System.Text.Json;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Operations;

public sealed class OperationsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_openapi_document_does_not_echo_the_callers_host()
    {
        await using var app = new AppFactory();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v1.json", UriKind.Relative));
        request.Headers.Host = "evil.example";

        var text = await (await app.CreateClient().SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct);

        Assert.DoesNotContain("evil.example", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_its_errors_and_the_signature_headers()
    {
        await using var app = new AppFactory();

        var response = await app.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        var paths = document.GetProperty("paths");
        var expected = new (string Path, string Method, string[] Statuses)[]
        {
            ("/api/v1/providers/me/notification-config", "get", ["200", "400", "401", "404", "413", "429"]),
            ("/api/v1/providers/me/notification-config", "put", ["200", "400", "401", "413", "429"]),
            ("/api/v1/providers/me/telegram-link", "post", ["200", "401", "429", "503"]),
            ("/api/v1/providers/me/notification-test", "post", ["200", "401", "404", "429"]),
            ("/api/v1/admin/contracts/{contractId}", "put", ["200", "201", "400", "401", "404"]),
            ("/api/v1/admin/contracts/{contractId}", "delete", ["204", "401", "404"]),
            ("/readyz", "get", ["200", "503"]),
            ("/api/v1/webhooks/chatwoot", "post", ["200", "400", "401", "413"]),
            ("/api/v1/webhooks/telegram", "post", ["200", "400", "401", "413"]),
        };
        foreach (var (path, method, statuses) in expected)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var responses = operation.GetProperty("responses");
            foreach (var status in statuses)
            {
                Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} does not document {status}");
            }

            if (path.StartsWith("/api/v1/providers", StringComparison.Ordinal))
            {
                var headers = operation.GetProperty("parameters").EnumerateArray()
                    .Where(p => p.GetProperty("in").GetString() == "header" && p.GetProperty("required").GetBoolean())
                    .Select(p => p.GetProperty("name").GetString());
                Assert.Equal(["X-Nonce", "X-Public-Key", "X-Signature", "X-Timestamp"], headers.Order(StringComparer.Ordinal));
            }

            if (path.StartsWith("/api/v1/webhooks/", StringComparison.Ordinal))
            {
                // Chatwoot and Telegram authenticate in their own way, which the description names.
                Assert.Contains("X-", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
                continue;
            }

            Assert.True(operation.TryGetProperty("security", out _) || path == "/readyz", $"{method} {path} has no security requirement");
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("AdminToken").GetProperty("scheme").GetString());
        Assert.True(schemes.TryGetProperty("SignedRequest", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("NotificationConfigRequest", out _));
    }

    [Fact]
    public async Task Docs_serves_the_api_reference_page()
    {
        await using var app = new AppFactory();

        var response = await app.CreateClient().GetAsync(new Uri("/docs", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
