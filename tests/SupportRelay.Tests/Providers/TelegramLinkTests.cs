using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SupportRelay.Providers;
using SupportRelay.Tests.Infrastructure;
using static SupportRelay.Tests.Providers.ProviderTestKit;

namespace SupportRelay.Tests.Providers;

public abstract partial class TelegramLinkTests(DatabaseKind database)
{
    private AppFactory App(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, IDictionary<string, string?>? settings = null, AppFactory? sameDatabaseAs = null) =>
        ProviderTestKit.App(clock, settings, database, sameDatabaseAs);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_link_is_a_fresh_deep_link_that_expires_in_fifteen_minutes()
    {
        var clock = Clock();
        await using var app = App(clock);
        var client = app.EnrolledClient(RequestSigner.Generate(clock));

        var first = await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync();
        var second = await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync();

        var code = first.GetProperty("code").GetString()!;
        // Telegram's /start payload: at most 64 characters of A-Z a-z 0-9 _ -; ours carries 192 random bits.
        Assert.Matches(StartPayload(), code);
        Assert.True(code.Length >= 22);
        Assert.Equal($"https://t.me/SupportRelayTestBot?start={code}", first.GetProperty("link").GetString());
        Assert.Equal(clock.GetUtcNow().AddMinutes(15).ToUnixTimeMilliseconds(), first.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.NotEqual(code, second.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Without_a_bot_username_the_link_is_503()
    {
        var clock = Clock();
        await using var app = App(clock, new Dictionary<string, string?> { ["Telegram:BotUsername"] = "" });

        var response = await app.EnrolledClient(RequestSigner.Generate(clock)).PostPathAsync(TelegramLinkPath);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Telegram:BotUsername", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redeemed_code_links_the_chat_for_a_telegram_config_without_a_chat_id()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = RequestSigner.Generate(clock);
        var client = app.EnrolledClient(signer);
        var store = app.Services.GetRequiredService<ProviderStore>();

        // Before linking, telegram without a chat id names the missing field.
        var refused = await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram"}""");
        Assert.True((await refused.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("telegramChatId", out _));

        var code = (await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;
        var linked = await store.LinkTelegramChatAsync(code, 555_000_111, Ct);
        var put = await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram"}""");

        Assert.Equal(new TelegramLinkResult(TelegramLinkOutcome.Linked, signer.PublicKeyHex), linked);
        Assert.Equal(555_000_111, (await put.JsonAsync()).GetProperty("telegramChatId").GetInt64());
    }

    [Fact]
    public async Task Linking_updates_an_existing_config_and_a_later_put_keeps_the_chat()
    {
        var clock = Clock();
        await using var app = App(clock);
        var client = app.EnrolledClient(RequestSigner.Generate(clock));
        var store = app.Services.GetRequiredService<ProviderStore>();
        await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","telegramChatId":1111}""");

        var code = (await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;
        await store.LinkTelegramChatAsync(code, 2222, Ct);
        var afterLink = await (await client.GetPathAsync(ConfigPath)).JsonAsync();
        var afterPut = await (await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","chatwootPortalSlug":"acme"}""")).JsonAsync();

        Assert.Equal(2222, afterLink.GetProperty("telegramChatId").GetInt64());
        Assert.Equal(2222, afterPut.GetProperty("telegramChatId").GetInt64());
    }

    [Fact]
    public async Task A_code_works_once_for_one_chat_and_not_after_it_expires()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = RequestSigner.Generate(clock);
        var client = app.EnrolledClient(signer);
        var store = app.Services.GetRequiredService<ProviderStore>();
        var used = (await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;
        var late = (await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;

        Assert.Equal(TelegramLinkOutcome.Linked, (await store.LinkTelegramChatAsync(used, 42, Ct)).Outcome);
        // Telegram may deliver the same /start twice: the same chat is told it is linked again.
        Assert.Equal(new TelegramLinkResult(TelegramLinkOutcome.Linked, signer.PublicKeyHex), await store.LinkTelegramChatAsync(used, 42, Ct));
        Assert.Equal(new TelegramLinkResult(TelegramLinkOutcome.AlreadyUsed, null), await store.LinkTelegramChatAsync(used, 43, Ct));
        Assert.Equal(new TelegramLinkResult(TelegramLinkOutcome.UnknownCode, null), await store.LinkTelegramChatAsync("no-such-code", 42, Ct));

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Equal(new TelegramLinkResult(TelegramLinkOutcome.Expired, null), await store.LinkTelegramChatAsync(late, 42, Ct));
    }

    [Fact]
    public async Task A_code_links_only_the_provider_who_asked_for_it()
    {
        var clock = Clock();
        await using var app = App(clock);
        var alice = app.EnrolledClient(RequestSigner.Generate(clock));
        var bob = app.EnrolledClient(RequestSigner.Generate(clock));
        var store = app.Services.GetRequiredService<ProviderStore>();
        await alice.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","telegramChatId":1}""");
        await bob.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram","telegramChatId":2}""");

        var code = (await (await alice.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;
        await store.LinkTelegramChatAsync(code, 100, Ct);

        Assert.Equal(100, (await (await alice.GetPathAsync(ConfigPath)).JsonAsync()).GetProperty("telegramChatId").GetInt64());
        Assert.Equal(2, (await (await bob.GetPathAsync(ConfigPath)).JsonAsync()).GetProperty("telegramChatId").GetInt64());
    }

    [Fact]
    public async Task Unused_codes_are_purged_a_day_after_expiry_and_redeemed_ones_are_kept()
    {
        var clock = Clock();
        await using var app = App(clock);
        var signer = RequestSigner.Generate(clock);
        var client = app.EnrolledClient(signer);
        var store = app.Services.GetRequiredService<ProviderStore>();
        var redeemed = (await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;
        var abandoned = (await (await client.PostPathAsync(TelegramLinkPath)).JsonAsync()).GetProperty("code").GetString()!;
        await store.LinkTelegramChatAsync(redeemed, 31337, Ct);

        clock.Advance(TimeSpan.FromDays(2));
        await client.PostPathAsync(TelegramLinkPath);

        Assert.Equal(TelegramLinkOutcome.UnknownCode, (await store.LinkTelegramChatAsync(abandoned, 1, Ct)).Outcome);
        Assert.Equal(TelegramLinkOutcome.Linked, (await store.LinkTelegramChatAsync(redeemed, 31337, Ct)).Outcome);
        Assert.Equal(31337, (await (await client.PutJsonAsync(ConfigPath, """{"notifyVia":"telegram"}""")).JsonAsync()).GetProperty("telegramChatId").GetInt64());
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex StartPayload();
}

public sealed class TelegramLinkTestsOnSqlite() : TelegramLinkTests(DatabaseKind.Sqlite);

public sealed class TelegramLinkTestsOnPostgres() : TelegramLinkTests(DatabaseKind.Postgres);
