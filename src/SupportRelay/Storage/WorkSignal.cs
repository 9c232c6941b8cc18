using System.Threading.Channels;

namespace SupportRelay.Storage;

/// <summary>
/// Wakes this process's workers as soon as work is stored, so a reply does not wait for the next
/// poll. Other replicas find the work by polling.
/// </summary>
public sealed class WorkSignal
{
    private readonly Channel<bool> _inbox = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _outbox = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify(WorkTable table) => Of(table).Writer.TryWrite(true);

    /// <summary>Waits for a notification or the poll interval, whichever comes first.</summary>
    public async Task WaitAsync(WorkTable table, TimeSpan pollInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(pollInterval);
        try
        {
            await Of(table).Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The poll interval passed (look for work stored by another replica or due for retry), or
            // the process is stopping: either way the caller's loop decides what comes next.
        }
    }

    private Channel<bool> Of(WorkTable table) => table == WorkTable.Inbox ? _inbox : _outbox;
}
