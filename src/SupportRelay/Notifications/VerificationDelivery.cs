using System.Globalization;
using Microsoft.Extensions.Options;
using SupportRelay.Delivery;
using SupportRelay.Providers;
using SupportRelay.Storage;

namespace SupportRelay.Notifications;

/// <summary>
/// Sends <c>notification.verification</c> rows, the only messages that may reach a destination nobody proved
/// yet: the code by SMS or e-mail (with a confirmation link when <c>ProviderApi:PublicUrl</c> is set), or the
/// "Link this chat" button in a Telegram chat. Once sent, the code and token are removed from the row.
/// </summary>
public sealed class VerificationDelivery(NotificationDispatcher dispatcher, WorkQueue queue, IOptionsMonitor<ProviderApiOptions> options)
    : DeliveryHandler<VerificationJob>(VerificationJob.FromJson)
{
    public override string Kind => VerificationJob.Kind;

    protected override async Task<WorkOutcome> DeliverAsync(WorkItem item, VerificationJob job, CancellationToken cancellationToken)
    {
        if (NotificationChannels.Parse(job.Channel) is not { } channel || (job.Code is null && job.LinkToken is null))
        {
            // Sent already (the secrets are removed once sent), or not a channel.
            return WorkOutcome.Done;
        }

        var result = await dispatcher.SendVerificationAsync(job.ProviderPubkey, channel, job.Address, Content(job, channel), cancellationToken);
        if (result.Accepted)
        {
            await queue.SavePayloadAsync(item.Id, (job with { Code = null, LinkToken = null }).ToJson(), cancellationToken);
            return WorkOutcome.Done;
        }

        return result.Permanent ? WorkOutcome.Fail($"{job.Channel}: {result.Error}") : WorkOutcome.Retry($"{job.Channel}: {result.Error}", result.RetryAfter);
    }

    private NotificationContent Content(VerificationJob job, NotificationChannel channel)
    {
        var provider = ShortKey(job.ProviderPubkey);
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(job.ExpiresAt).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        switch (channel)
        {
            case NotificationChannel.Telegram:
                return new NotificationContent(
                    "Link this chat to SupportRelay?",
                    $"Provider {provider} asks to receive its customers' handoffs in this chat. If that is you or your team, press \"Link this chat\" "
                    + $"(until {expires}). Otherwise ignore this message: nothing else will be sent here.",
                    Buttons: [new NotificationButton("🔗 Link this chat", VerificationJob.LinkButtonPrefix + job.LinkToken)]);
            case NotificationChannel.Email when options.CurrentValue.PublicUrl is { } publicUrl && job.LinkToken is not null:
                return new NotificationContent(
                    "Your SupportRelay verification code",
                    $"Your code is {job.Code} (valid until {expires}). Provider {provider} asked to receive its customers' handoffs at this address; "
                    + "enter the code where you set it up, or open the link below. If you did not ask for this, ignore this e-mail: nothing else will be sent to you.",
                    new Uri(publicUrl.ToString().TrimEnd('/') + "/verify/email/" + job.LinkToken),
                    LinkLabel: "Confirm this address");
            default:
                return new NotificationContent(
                    "SupportRelay verification code",
                    $"Your code is {job.Code} (valid until {expires}). Not you? Ignore this message.");
        }
    }

    /// <summary>The first and last characters of a public key, enough to recognise it.</summary>
    public static string ShortKey(string publicKey) => publicKey.Length <= 12 ? publicKey : $"{publicKey[..6]}…{publicKey[^4..]}";
}
