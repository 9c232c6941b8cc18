using System.Diagnostics;
using System.Net;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using SupportRelay.Chatwoot;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Chatwoot;

/// <summary>Webhook authentication after Chatwoot's upgrades, replays, and a database that does not answer in time.</summary>
public abstract class WebhookTrustTests(DatabaseKind database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<ChatwootScenario> Start() => ChatwootScenario.StartAsync(database: database);

    private static async Task<HttpResponseMessage> PostAsync(ChatwootScenario s, string body, string path, string? signature, long? timestamp, string? delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("X-Chatwoot-Signature", signature);
            request.Headers.Add("X-Chatwoot-Timestamp", timestamp!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (delivery is not null)
        {
            request.Headers.Add("X-Chatwoot-Delivery", delivery);
        }

        return await s.Client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_valid_token_is_enough_whatever_signature_chatwoot_adds_after_an_upgrade()
    {
        await using var s = await Start();
        var body = s.Message("How do I restart my virtual machine?").ToJsonString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // From 4.12/4.13 Chatwoot signs with a secret it generated itself, which this install never saw.
        var foreignSignature = WebhookAuthenticator.Sign("secret-chatwoot-generated-on-upgrade", now, Encoding.UTF8.GetBytes(body));

        var withToken = await PostAsync(s, body, $"/api/v1/webhooks/chatwoot?token={ChatwootScenario.Secret}", foreignSignature, now, Guid.NewGuid().ToString());
        var withWrongToken = await PostAsync(s, body, "/api/v1/webhooks/chatwoot?token=wrong", foreignSignature, now, Guid.NewGuid().ToString());
        var signatureAlone = await PostAsync(s, body, "/api/v1/webhooks/chatwoot", foreignSignature, now, Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signatureAlone.StatusCode);
        await s.WaitForPostsAsync(1);
    }

    [Fact]
    public async Task A_signed_event_replayed_under_a_fresh_delivery_id_is_a_duplicate()
    {
        await using var s = await Start();
        var body = NotificationScenario.StatusChange(42, "open", "pending").ToJsonString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookAuthenticator.Sign(ChatwootScenario.Secret, now, Encoding.UTF8.GetBytes(body));

        var first = await PostAsync(s, body, "/api/v1/webhooks/chatwoot", signature, now, Guid.NewGuid().ToString());
        var replay = await PostAsync(s, body, "/api/v1/webhooks/chatwoot", signature, now, Guid.NewGuid().ToString());
        // Chatwoot's own retry signs afresh and keeps its delivery id.
        var retried = await s.SendAsync(System.Text.Json.Nodes.JsonNode.Parse(body)!, deliveryId: "retry-of-an-earlier-delivery", timestamp: now + 3);

        Assert.Equal("accepted", (await first.Content.ReadFromJsonAsync<WebhookAccepted>(Ct))!.Status);
        Assert.Equal("duplicate", (await replay.Content.ReadFromJsonAsync<WebhookAccepted>(Ct))!.Status);
        Assert.Equal("accepted", (await retried.Content.ReadFromJsonAsync<WebhookAccepted>(Ct))!.Status);
        Assert.Equal(2, (await s.QueryAsync<long>("SELECT COUNT(*) FROM webhook_inbox")).Single());
    }

    [Fact]
    public async Task A_database_that_does_not_answer_in_time_is_a_429_chatwoot_retries_well_within_its_five_seconds()
    {
        await using var s = await Start();
        await s.WaitIdleAsync();
        var body = s.Message("How do I restart my virtual machine?");

        // Another writer holds the database (a long transaction, a stalled disk).
        await using var blocker = await HoldWriteLockAsync(s.App);
        var watch = Stopwatch.StartNew();
        var blocked = await s.SendAsync(body, "delivery-1");
        watch.Stop();
        await blocker.DisposeAsync();
        var retried = await s.SendAsync(body, "delivery-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4.5));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await s.WaitForPostsAsync(1);
    }

    /// <summary>A transaction that holds the write lock on the service's database until disposed.</summary>
    private static async Task<IAsyncDisposable> HoldWriteLockAsync(AppFactory app)
    {
        if (app.Database == DatabaseKind.Sqlite)
        {
            var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
            await connection.OpenAsync(Ct);
            await connection.ExecuteAsync("BEGIN IMMEDIATE");
            return new Lock(connection, null);
        }

        var pg = new NpgsqlConnection(app.Settings["ConnectionStrings:Postgres"]);
        await pg.OpenAsync(Ct);
        var transaction = await pg.BeginTransactionAsync(Ct);
        await pg.ExecuteAsync("LOCK TABLE webhook_inbox IN ACCESS EXCLUSIVE MODE", transaction: transaction);
        return new Lock(pg, transaction);
    }

    private sealed class Lock(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction) : IAsyncDisposable
    {
        private bool _released;

        public async ValueTask DisposeAsync()
        {
            if (_released)
            {
                return;
            }

            _released = true;
            if (transaction is not null)
            {
                await transaction.RollbackAsync();
            }
            else if (connection.State == System.Data.ConnectionState.Open)
            {
                await connection.ExecuteAsync("ROLLBACK");
            }

            await connection.DisposeAsync();
        }
    }
}

public sealed class WebhookTrustTestsOnSqlite() : WebhookTrustTests(DatabaseKind.Sqlite);

public sealed class WebhookTrustTestsOnPostgres() : WebhookTrustTests(DatabaseKind.Postgres);
