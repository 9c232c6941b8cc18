using Microsoft.Extensions.Options;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>Where proving a destination stands, as the provider API reports it.</summary>
public enum VerificationState
{
    /// <summary>Proven: notifications go there.</summary>
    Verified,

    /// <summary>A code was sent (SMS, e-mail): confirm it with <c>POST /api/v1/providers/me/verify</c>.</summary>
    CodeSent,

    /// <summary>A "Link this chat" button was posted in the Telegram chat: someone there must press it.</summary>
    ConfirmInChat,

    /// <summary>Nothing is on its way: ask for a code (or a new link) again.</summary>
    Unverified,

    /// <summary>A cap on verification messages was reached; try again later.</summary>
    LimitReached,
}

/// <summary>One destination of a provider's config and where proving it stands.</summary>
public sealed record DestinationStatus(NotificationChannel Channel, string Address, VerificationState State, DateTimeOffset? ExpiresAt);

/// <summary>
/// Proves the destinations a provider names before anything but the proof is sent there: a six-digit code by
/// SMS or e-mail (the e-mail also a link), a "Link this chat" button in a Telegram chat. Each message is an
/// outbox row (retried, sent once) and spends the <see cref="MessageBudget"/>. With
/// <c>ProviderApi:VerifyDestinations=false</c> phones and addresses need no code; chats always do.
/// </summary>
public sealed class DestinationVerification(
    DestinationStore destinations,
    MessageBudget budget,
    WorkQueue queue,
    WorkSignal signal,
    SqlDialect dialect,
    TimeProvider time,
    IOptionsMonitor<ProviderApiOptions> options)
{
    /// <summary>Starts proving each destination of the config that is neither proven nor waiting for its proof.</summary>
    public async Task<IReadOnlyList<DestinationStatus>> StartAsync(NotificationConfig config, CancellationToken cancellationToken)
    {
        var statuses = new List<DestinationStatus>();
        foreach (var (channel, address) in config.Destinations())
        {
            var status = await StatusAsync(config.ProviderPubkey, channel, address, cancellationToken);
            statuses.Add(status.State == VerificationState.Unverified
                ? await SendAsync(config.ProviderPubkey, channel, address, cancellationToken)
                : status);
        }

        return statuses;
    }

    /// <summary>Sends a new proof to the destination (replacing an earlier code), unless it is proven already.</summary>
    public async Task<DestinationStatus> SendAsync(string providerPubkey, NotificationChannel channel, string address, CancellationToken cancellationToken)
    {
        if (await destinations.IsProvenAsync(providerPubkey, channel, address, cancellationToken))
        {
            return new DestinationStatus(channel, address, VerificationState.Verified, null);
        }

        if (await budget.TrySpendAsync(providerPubkey, MessageLog.Verification, channel, address, cancellationToken) is not null)
        {
            return new DestinationStatus(channel, address, VerificationState.LimitReached, null);
        }

        var issued = await destinations.IssueCodeAsync(providerPubkey, channel, address, cancellationToken);
        if (issued is null)
        {
            // Proven meanwhile (a /start code redeemed in the chat).
            return new DestinationStatus(channel, address, VerificationState.Verified, null);
        }

        var job = new VerificationJob(providerPubkey, channel.Name(), address, channel == NotificationChannel.Telegram ? null : issued.Code,
            issued.LinkToken, issued.ExpiresAt.ToUnixTimeMilliseconds());
        await using (var connection = await dialect.OpenAsync(cancellationToken))
        {
            // The token's hash names the message: a new code is a new message, a retried one is not.
            await queue.EnqueueAsync(new OutboxMessage(VerificationJob.Kind, $"verify:{providerPubkey}:{channel.Name()}:{issued.ExpiresAt.ToUnixTimeMilliseconds()}:{issued.LinkToken[..8]}",
                $"verify:{providerPubkey}", job.ToJson()), connection, null, cancellationToken);
        }

        signal.Notify(WorkTable.Outbox);
        return new DestinationStatus(channel, address,
            channel == NotificationChannel.Telegram ? VerificationState.ConfirmInChat : VerificationState.CodeSent, issued.ExpiresAt);
    }

    /// <summary>Where proving the destination stands now.</summary>
    public async Task<DestinationStatus> StatusAsync(string providerPubkey, NotificationChannel channel, string address, CancellationToken cancellationToken)
    {
        if (await destinations.IsProvenAsync(providerPubkey, channel, address, cancellationToken))
        {
            return new DestinationStatus(channel, address, VerificationState.Verified, null);
        }

        var destination = await destinations.GetAsync(providerPubkey, channel, address, cancellationToken);
        return destination?.CodeExpiresAt is { } expires && expires > time.GetUtcNow()
            ? new DestinationStatus(channel, address, channel == NotificationChannel.Telegram ? VerificationState.ConfirmInChat : VerificationState.CodeSent, expires)
            : new DestinationStatus(channel, address, VerificationState.Unverified, null);
    }

    /// <summary>Where proving each destination of the config stands.</summary>
    public async Task<IReadOnlyList<DestinationStatus>> StatusAsync(NotificationConfig config, CancellationToken cancellationToken)
    {
        var statuses = new List<DestinationStatus>();
        foreach (var (channel, address) in config.Destinations())
        {
            statuses.Add(await StatusAsync(config.ProviderPubkey, channel, address, cancellationToken));
        }

        return statuses;
    }

    /// <summary>Whether codes are sent at all for <paramref name="channel"/> (a chat is always confirmed).</summary>
    public bool NeedsProof(NotificationChannel channel) => channel == NotificationChannel.Telegram || options.CurrentValue.VerifyDestinations;
}
