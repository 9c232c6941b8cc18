using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SupportRelay.Providers;
using SupportRelay.Text;

namespace SupportRelay.Notifications;

/// <summary>SMS through Twilio: the subject, as much of the text as fits in Notifications:MaxSmsSegments, and the link.</summary>
public sealed partial class SmsNotificationChannel(TwilioClient twilio, IOptionsMonitor<TwilioOptions> twilioOptions, IOptionsMonitor<NotificationsOptions> options)
    : INotificationChannel
{
    public NotificationChannel Channel => NotificationChannel.Sms;

    public bool IsConfigured => twilioOptions.CurrentValue.IsConfigured;

    public async Task<NotificationResult> SendAsync(string address, NotificationContent content, CancellationToken cancellationToken)
    {
        if (!E164().IsMatch(address))
        {
            return NotificationResult.PermanentFailure("No valid E.164 phone number is configured.");
        }

        var phone = address;

        try
        {
            await twilio.SendSmsAsync(phone, Format(content, options.CurrentValue.MaxSmsSegments), cancellationToken);
            return NotificationResult.Sent(null);
        }
        catch (TwilioException ex)
        {
            return ex.Permanent ? NotificationResult.PermanentFailure(ex.Message) : NotificationResult.Transient(ex.Message, ex.RetryAfter);
        }
    }

    /// <summary>
    /// The SMS body within <paramref name="maxSegments"/> segments; the subject and the link are always whole,
    /// the customer's words come last under their label, and are the first to be cut.
    /// </summary>
    public static string Format(NotificationContent content, int maxSegments)
    {
        var head = content.Subject + "\n";
        var tail = content.Link is null ? "" : "\n" + content.Link;
        var text = content.Text.Trim();
        if (!string.IsNullOrWhiteSpace(content.CustomerText))
        {
            text += $"\n{content.CustomerTextLabel ?? "The customer wrote:"} \"{content.CustomerText.Trim()}\"";
        }

        var room = text.Length;
        var body = head + text + tail;
        while (Segments(body) > maxSegments && room > 1)
        {
            room = Math.Max(1, (int)(room * 0.9) - 1);
            body = head + TextCut.AtBoundary(text, room) + tail;
        }

        return Segments(body) <= maxSegments ? body : head.TrimEnd() + tail;
    }

    /// <summary>
    /// How many segments an SMS takes: GSM-7 text has 160 characters in one segment and 153 per segment
    /// when split (extension characters count twice); anything else is UCS-2, 70 and 67 code units.
    /// </summary>
    public static int Segments(string body)
    {
        var gsm = true;
        var septets = 0;
        foreach (var c in body)
        {
            if (GsmBasic.Contains(c))
            {
                septets++;
            }
            else if (GsmExtension.Contains(c))
            {
                septets += 2;
            }
            else
            {
                gsm = false;
                break;
            }
        }

        return gsm
            ? septets <= 160 ? 1 : (septets + 152) / 153
            : body.Length <= 70 ? 1 : (body.Length + 66) / 67;
    }

    private const string GsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string GsmExtension = "^{}\\[~]|€\f";

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
