using System.Buffers.Binary;
using Dapper;
using SupportRelay.Storage;

namespace SupportRelay.Retrieval;

/// <summary>An article's stored embedding: <see cref="Hash"/> says which text and model produced it.</summary>
public sealed record StoredEmbedding(string ArticleId, string Hash, string Model, float[] Vector);

/// <summary>
/// Article embeddings in the database (<c>article_embeddings</c>), keyed by portal, locale and article,
/// shared by every replica and kept across restarts.
/// </summary>
public sealed class EmbeddingStore(SqlDialect dialect, TimeProvider time)
{
    public async Task<IReadOnlyList<StoredEmbedding>> LoadAsync(string portal, string locale, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT article_id AS ArticleId, content_hash AS Hash, model AS Model, vector AS Vector
            FROM article_embeddings WHERE portal_slug = @portal AND locale = @locale
            """,
            new { portal, locale }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StoredEmbedding(r.ArticleId, r.Hash, r.Model, Decode(r.Vector)))];
    }

    /// <summary>Inserts or replaces the embeddings of these articles, in one transaction.</summary>
    public async Task SaveAsync(string portal, string locale, IReadOnlyList<StoredEmbedding> embeddings, CancellationToken cancellationToken)
    {
        if (embeddings.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var embedding in embeddings)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO article_embeddings (portal_slug, locale, article_id, content_hash, model, dimensions, vector, updated_at)
                VALUES (@portal, @locale, @ArticleId, @Hash, @Model, @dimensions, @vector, @now)
                ON CONFLICT (portal_slug, locale, article_id) DO UPDATE SET
                    content_hash = excluded.content_hash, model = excluded.model, dimensions = excluded.dimensions,
                    vector = excluded.vector, updated_at = excluded.updated_at
                """,
                new
                {
                    portal,
                    locale,
                    embedding.ArticleId,
                    embedding.Hash,
                    embedding.Model,
                    dimensions = (long)embedding.Vector.Length,
                    vector = Encode(embedding.Vector),
                    now,
                },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Forgets the embeddings of articles the portal no longer publishes.</summary>
    public async Task DeleteAsync(string portal, string locale, IReadOnlyList<string> articleIds, CancellationToken cancellationToken)
    {
        if (articleIds.Count == 0)
        {
            return;
        }

        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var articleId in articleIds)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM article_embeddings WHERE portal_slug = @portal AND locale = @locale AND article_id = @articleId",
                new { portal, locale, articleId }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Base64 of the values as little-endian float32, whatever the machine's byte order.</summary>
    public static string Encode(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    public static float[] Decode(string text)
    {
        var bytes = Convert.FromBase64String(text);
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return vector;
    }

    private sealed record Row(string ArticleId, string Hash, string Model, string Vector);
}
