using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SupportRelay.Providers;

/// <summary>What the provider commands talk to; tests swap in an in-process server and string writers.</summary>
public sealed record ProviderCliEnvironment(
    TextWriter Out,
    TextWriter Error,
    Func<HttpMessageHandler> CreateHandler,
    TimeProvider Time,
    Func<string, string?> GetEnvironmentVariable)
{
    public static ProviderCliEnvironment Default { get; } = new(
        Console.Out, Console.Error, () => new SocketsHttpHandler(), TimeProvider.System, Environment.GetEnvironmentVariable);
}

/// <summary>
/// <c>provider ...</c>: a provider's own client for the signed API, for those without the
/// marketplace's tools. Results (the server's JSON) go to stdout, errors to stderr with exit code 1.
/// </summary>
public static class ProviderCommands
{
    public const string ServerEnvironmentVariable = "SUPPORTRELAY_SERVER";

    public static Command Create() => Create(ProviderCliEnvironment.Default);

    public static Command Create(ProviderCliEnvironment env)
    {
        var provider = new Command("provider", "Manage your provider notification settings on a SupportRelay server, with signed requests.");
        provider.Subcommands.Add(Keygen(env));

        var config = new Command("config", "Read or replace your notification config.");
        config.Subcommands.Add(Signed(env, new Command("get", "Print your notification config."),
            (_, client, ct) => client.GetAsync(new Uri("api/v1/providers/me/notification-config", UriKind.Relative), ct)));
        config.Subcommands.Add(ConfigSet(env));
        provider.Subcommands.Add(config);

        provider.Subcommands.Add(Signed(env, new Command("telegram-link", "Create a one-time link that connects your Telegram chat; open it in Telegram."),
            (_, client, ct) => client.PostAsync(new Uri("api/v1/providers/me/telegram-link", UriKind.Relative), null, ct)));
        provider.Subcommands.Add(Signed(env, new Command("test", "Send a test notification through your configured channel."),
            (_, client, ct) => client.PostAsync(new Uri("api/v1/providers/me/notification-test", UriKind.Relative), null, ct)));
        provider.Subcommands.Add(Verify(env));
        return provider;
    }

    private static Command Keygen(ProviderCliEnvironment env)
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the private key (32-byte seed as hex; keep it secret).", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key file." };
        var command = new Command("keygen", "Generate an Ed25519 key pair; prints the public key, your provider identity.") { output, force };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var file = parseResult.GetValue(output)!;
            if (file.Exists && !parseResult.GetValue(force))
            {
                await env.Error.WriteLineAsync($"error: {file.FullName} exists; pass --force to overwrite it.");
                return 1;
            }

            var signer = RequestSigner.Generate(env.Time);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // Only the owner may read a private key.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(file.FullName, options))
            await using (var writer = new StreamWriter(stream, Encoding.ASCII))
            {
                await writer.WriteLineAsync(signer.SeedHex.AsMemory(), cancellationToken);
            }

            if (!OperatingSystem.IsWindows())
            {
                // UnixCreateMode applies only to new files; --force must not keep a looser mode.
                File.SetUnixFileMode(file.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await env.Out.WriteLineAsync(signer.PublicKeyHex);
            return 0;
        });
        return command;
    }

    private static Command ConfigSet(ProviderCliEnvironment env)
    {
        var via = new Option<string>("--notify-via") { Description = "telegram, sms or email.", Required = true };
        var chat = new Option<long?>("--telegram-chat-id") { Description = "Telegram chat id (optional once a chat is linked with telegram-link)." };
        var phone = new Option<string?>("--phone") { Description = "Phone number for SMS, E.164 (+41791234567)." };
        var email = new Option<string?>("--email") { Description = "E-mail address." };
        var portal = new Option<string?>("--portal") { Description = "Your Chatwoot Help Center portal slug." };
        var command = new Command("set", "Create or replace your notification config (fields not given are cleared).") { via, chat, phone, email, portal };
        return Signed(env, command, (parseResult, client, ct) =>
        {
            var body = new NotificationConfigRequest(parseResult.GetValue(portal), parseResult.GetValue(via)!,
                parseResult.GetValue(chat), parseResult.GetValue(phone), parseResult.GetValue(email));
            var content = new StringContent(JsonSerializer.Serialize(body, ProviderJsonContext.Default.NotificationConfigRequest), Encoding.UTF8, "application/json");
            return client.PutAsync(new Uri("api/v1/providers/me/notification-config", UriKind.Relative), content, ct);
        });
    }

    private static Command Verify(ProviderCliEnvironment env)
    {
        var channel = new Option<string>("--channel") { Description = "sms or email: the destination the code was sent to.", Required = true };
        channel.AcceptOnlyFromAmong("sms", "email");
        var code = new Option<string?>("--code") { Description = "The six-digit code received; without it a new code is sent." };
        var command = new Command("verify", "Confirm the code sent to your phone number or e-mail address (or ask for a new one).") { channel, code };
        return Signed(env, command, (parseResult, client, ct) =>
        {
            var body = new VerifyRequest(parseResult.GetValue(channel)!, parseResult.GetValue(code));
            var content = new StringContent(JsonSerializer.Serialize(body, ProviderJsonContext.Default.VerifyRequest), Encoding.UTF8, "application/json");
            return client.PostAsync(new Uri("api/v1/providers/me/verify", UriKind.Relative), content, ct);
        });
    }

    /// <summary>Adds --key and --server to a command whose action is one signed request.</summary>
    private static Command Signed(ProviderCliEnvironment env, Command command, Func<ParseResult, HttpClient, CancellationToken, Task<HttpResponseMessage>> send)
    {
        var key = new Option<FileInfo>("--key") { Description = "The private key file (from provider keygen, or an Ed25519 PEM).", Required = true };
        var server = new Option<string>("--server")
        {
            Description = $"The SupportRelay server (default ${ServerEnvironmentVariable}, else {SupportRelayApp.DefaultUrl}).",
            DefaultValueFactory = _ => env.GetEnvironmentVariable(ServerEnvironmentVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : SupportRelayApp.DefaultUrl,
        };
        command.Options.Add(key);
        command.Options.Add(server);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            RequestSigner signer;
            try
            {
                var keyFile = parseResult.GetValue(key)!;
                signer = RequestSigner.FromKeyFile(await File.ReadAllTextAsync(keyFile.FullName, cancellationToken), env.Time);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                await env.Error.WriteLineAsync($"error: cannot use the key file: {ex.Message}");
                return 1;
            }

            if (!Uri.TryCreate(parseResult.GetValue(server)!.TrimEnd('/') + "/", UriKind.Absolute, out var baseAddress)
                || baseAddress.Scheme is not ("http" or "https"))
            {
                await env.Error.WriteLineAsync($"error: --server must be an http(s) URL, not '{parseResult.GetValue(server)}'.");
                return 1;
            }

            using var client = new HttpClient(new RequestSigningHandler(signer) { InnerHandler = env.CreateHandler() })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(30),
            };
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            try
            {
                using var response = await send(parseResult, client, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await env.Out.WriteLineAsync(text);
                    return 0;
                }

                await env.Error.WriteLineAsync(DescribeError((int)response.StatusCode, text));
                return 1;
            }
            catch (HttpRequestException ex)
            {
                await env.Error.WriteLineAsync($"error: cannot reach {baseAddress}: {ex.Message}");
                return 1;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await env.Error.WriteLineAsync($"error: {baseAddress} did not answer within {client.Timeout.TotalSeconds:F0} s.");
                return 1;
            }
        });
        return command;
    }

    /// <summary>The ProblemDetails title, detail and field errors, or the raw body when it is not one.</summary>
    private static string DescribeError(int status, string body)
    {
        HttpValidationProblemDetails? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize(body, ProviderCliJsonContext.Default.HttpValidationProblemDetails);
        }
        catch (JsonException)
        {
        }

        if (problem?.Title is null)
        {
            return $"error: HTTP {status}: {body}";
        }

        var text = new StringBuilder($"error: HTTP {status} {problem.Title}");
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            text.Append(": ").Append(problem.Detail);
        }

        foreach (var (field, messages) in problem.Errors)
        {
            foreach (var message in messages)
            {
                text.AppendLine().Append("  ").Append(field).Append(": ").Append(message);
            }
        }

        return text.ToString();
    }
}
