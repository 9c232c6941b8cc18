using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using SupportRelay.Providers;

namespace SupportRelay.Notifications;

/// <summary>Email over SMTP (MailKit): plain text with the link. 5xx answers are permanent, 4xx and broken connections are retried.</summary>
public sealed class EmailNotificationChannel(IOptionsMonitor<SmtpOptions> options) : INotificationChannel
{
    public NotificationChannel Channel => NotificationChannel.Email;

    public bool IsConfigured => options.CurrentValue.IsConfigured;

    public async Task<NotificationResult> SendAsync(string address, NotificationContent content, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(address) || !MailboxAddress.TryParse(address, out var to))
        {
            return NotificationResult.PermanentFailure("No valid e-mail address is configured.");
        }

        var settings = options.CurrentValue;
        if (!MailboxAddress.TryParse(settings.From, out var from))
        {
            return NotificationResult.PermanentFailure("Smtp:From is not a valid address.");
        }

        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(to);
        message.Subject = content.Subject;
        message.Body = new TextPart("plain") { Text = Format(content) };

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            var security = !settings.UseTls ? SecureSocketOptions.None
                : settings.Port == 465 ? SecureSocketOptions.SslOnConnect
                : SecureSocketOptions.StartTls;
            await client.ConnectAsync(settings.Host!, settings.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(settings.Username))
            {
                await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return NotificationResult.Sent(null);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            // The server's text often repeats the address: keep only the code and MailKit's classification.
            var error = $"SMTP server answered {code} ({ex.ErrorCode})";
            return code >= 500 ? NotificationResult.PermanentFailure(error) : NotificationResult.Transient(error);
        }
        catch (AuthenticationException ex)
        {
            return NotificationResult.PermanentFailure("SMTP authentication failed: " + ex.Message);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or SslHandshakeException
                                       or TimeoutException or OperationCanceledException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return NotificationResult.Transient($"SMTP failed ({ex.GetType().Name}): {ex.Message}");
        }
    }

    /// <summary>Plain text: ours, then the customer's words quoted line by line under their label, then the link.</summary>
    public static string Format(NotificationContent content)
    {
        var text = content.Text.Trim();
        if (!string.IsNullOrWhiteSpace(content.CustomerText))
        {
            var quoted = string.Join("\n", content.CustomerText.Trim().Split('\n').Select(line => "> " + line));
            text += $"\n\n{content.CustomerTextLabel ?? "The customer wrote:"}\n{quoted}";
        }

        if (content.Link is not null)
        {
            text += $"\n\n{content.LinkLabel}:\n{content.Link}";
        }

        return text + "\n\n-- \nSupportRelay\n";
    }
}
