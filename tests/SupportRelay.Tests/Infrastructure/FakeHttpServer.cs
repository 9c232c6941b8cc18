using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SupportRelay.Tests.Infrastructure;

/// <summary>A request a fake server received, as it came over the wire.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>What a fake route answers.</summary>
public sealed record FakeResponse(int Status, string Body = "", string ContentType = "application/json", TimeSpan Delay = default)
{
    public static FakeResponse Json(object body, int status = 200) => new(status, JsonSerializer.Serialize(body));
}

/// <summary>
/// A real HTTP server on loopback that stands in for Chatwoot, Telegram, Twilio or an LLM. Routes
/// match by method and path; every request is recorded; a request that no route expects is answered
/// 404 and kept in <see cref="Unexpected"/> so a test can fail on it.
/// </summary>
public sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<RecordedRequest> _unexpected = new();
    private readonly List<(string Method, Func<string, bool> Path, Func<RecordedRequest, FakeResponse> Respond)> _routes = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private FakeHttpServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedRequest> Unexpected => [.. _unexpected];

    public static async Task<FakeHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeHttpServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Answers requests whose path equals <paramref name="path"/> (or matches it as a suffix pattern with *).</summary>
    public FakeHttpServer On(string method, string path, Func<RecordedRequest, FakeResponse> respond)
    {
        Func<string, bool> match = path.Contains('*', StringComparison.Ordinal)
            ? p => Matches(path, p)
            : p => string.Equals(p, path, StringComparison.Ordinal);
        lock (_gate)
        {
            // Newest first, so a test can override a default route.
            _routes.Insert(0, (method, match, respond));
        }

        return this;
    }

    public FakeHttpServer On(string method, string path, FakeResponse response) => On(method, path, _ => response);

    public IReadOnlyList<RecordedRequest> Received(string method, string pathContains) =>
        Requests.Where(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until <paramref name="predicate"/> holds for the recorded requests, or fails after the timeout.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> WaitForAsync(Func<IReadOnlyList<RecordedRequest>, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var snapshot = Requests;
            if (predicate(snapshot))
            {
                return snapshot;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The fake server did not see the expected requests; it saw: {string.Join(", ", snapshot.Select(r => $"{r.Method} {r.Path}"))}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    public Task<IReadOnlyList<RecordedRequest>> WaitForAsync(string method, string pathContains, int count = 1, TimeSpan? timeout = null) =>
        WaitForAsync(all => all.Count(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal)) >= count, timeout);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", headers, body);

        Func<RecordedRequest, FakeResponse>? respond;
        lock (_gate)
        {
            respond = _routes.FirstOrDefault(r => r.Method == request.Method && r.Path(request.Path)).Respond;
        }

        FakeResponse response;
        if (respond is null)
        {
            _unexpected.Enqueue(request);
            response = new FakeResponse((int)HttpStatusCode.NotFound, """{"error":"no fake route"}""");
        }
        else
        {
            response = respond(request);
        }

        _requests.Enqueue(request);
        _arrived.Release();
        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        await context.Response.WriteAsync(response.Body);
    }

    private static bool Matches(string pattern, string path)
    {
        var parts = pattern.Split('*');
        var position = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var index = path.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (index < 0 || (i == 0 && index != 0))
            {
                return false;
            }

            position = index + parts[i].Length;
        }

        return parts[^1].Length == 0 || path.EndsWith(parts[^1], StringComparison.Ordinal);
    }
}
