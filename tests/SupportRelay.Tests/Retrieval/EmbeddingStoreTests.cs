using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Retrieval;
using SupportRelay.Storage;
using SupportRelay.Tests.Infrastructure;

namespace SupportRelay.Tests.Retrieval;

/// <summary>The embedding store on each dialect: vectors round-trip exactly, rows are replaced and deleted.</summary>
public abstract class EmbeddingStoreTests(DatabaseKind database) : IAsyncLifetime
{
    private AppFactory _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = new AppFactory(new Dictionary<string, string?> { ["Workers:Enabled"] = "false" }, database: database);
        await _app.Services.GetRequiredService<Migrator>().MigrateAsync(Ct);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Vectors_round_trip_and_a_save_replaces_the_row()
    {
        var store = _app.Services.GetRequiredService<EmbeddingStore>();
        float[] first = [0.5f, -1.25f, float.Epsilon, 3.4e38f];
        await store.SaveAsync("help", "en", [new StoredEmbedding("1", "h1", "m1", first), new StoredEmbedding("2", "h2", "m1", [1f])], Ct);
        await store.SaveAsync("help", "en", [new StoredEmbedding("2", "h3", "m2", [2f, 3f])], Ct);
        await store.SaveAsync("help", "fr", [new StoredEmbedding("1", "h4", "m1", [9f])], Ct);

        var rows = (await store.LoadAsync("help", "en", Ct)).OrderBy(r => r.ArticleId, StringComparer.Ordinal).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal(first, rows[0].Vector);
        Assert.Equal(("h3", "m2"), (rows[1].Hash, rows[1].Model));
        Assert.Equal([2f, 3f], rows[1].Vector);

        await store.DeleteAsync("help", "en", ["1"], Ct);
        Assert.Equal("2", Assert.Single(await store.LoadAsync("help", "en", Ct)).ArticleId);
        Assert.Single(await store.LoadAsync("help", "fr", Ct));
    }

    [Fact]
    public void The_encoding_is_little_endian_float32_in_base64()
    {
        // 1.0f is 0x3F800000: little-endian bytes 00 00 80 3F.
        Assert.Equal(Convert.ToBase64String([0x00, 0x00, 0x80, 0x3F]), EmbeddingStore.Encode([1f]));
    }
}

public sealed class EmbeddingStoreTestsOnSqlite() : EmbeddingStoreTests(DatabaseKind.Sqlite);

public sealed class EmbeddingStoreTestsOnPostgres() : EmbeddingStoreTests(DatabaseKind.Postgres);
