using CloudMail.Core.Delivery;

namespace CloudMail.Tests.Shared;

/// <summary>
/// A test double of our own seam <see cref="IOutboundTransport"/>: records every call (the envelope and the exact bytes
/// it was given to send) and answers each recipient with the next scripted result for it (<see cref="Script"/>), else
/// <see cref="DeliveredReply"/>.
/// </summary>
public sealed class RecordingOutboundTransport : IOutboundTransport
{
    public const string DeliveredReply = "250 2.0.0 Ok: queued as TEST";
    public const string RemoteHost = "mx.remote.test [192.0.2.25]";

    private readonly List<(OutboundEnvelope Envelope, byte[] Message)> _calls = [];
    private readonly Dictionary<string, Queue<(RecipientOutcome Outcome, string Reply)>> _script = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the recorded peer offers DSN (<see cref="RecipientResult.PeerTakesDsn"/> of what it delivers).</summary>
    public bool PeerTakesDsn { get; set; }

    /// <summary>Every call so far, oldest first.</summary>
    public IReadOnlyList<(OutboundEnvelope Envelope, byte[] Message)> Calls
    {
        get { lock (_calls) return [.. _calls]; }
    }

    /// <summary>The recipients handed over so far, in order.</summary>
    public IReadOnlyList<string> Recipients => [.. Calls.SelectMany(c => c.Envelope.Recipients.Select(r => r.Address))];

    /// <summary>Answers the next attempts for <paramref name="recipient"/> with <paramref name="results"/>, in order.</summary>
    public RecordingOutboundTransport Script(string recipient, params (RecipientOutcome Outcome, string Reply)[] results)
    {
        lock (_script)
        {
            if (!_script.TryGetValue(recipient, out var queue)) _script[recipient] = queue = new();
            foreach (var r in results) queue.Enqueue(r);
        }
        return this;
    }

    public async Task<IReadOnlyList<RecipientResult>> DeliverAsync(
        OutboundEnvelope envelope, Func<CancellationToken, Task<Stream>> openMessage, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        await using (Stream message = await openMessage(cancellationToken))
            await message.CopyToAsync(bytes, cancellationToken);
        lock (_calls) _calls.Add((envelope, bytes.ToArray()));
        return [.. envelope.Recipients.Select(r => Next(r.Address))];
    }

    private RecipientResult Next(string recipient)
    {
        lock (_script)
        {
            if (_script.TryGetValue(recipient, out var queue) && queue.TryDequeue(out var scripted))
                return new RecipientResult(recipient, scripted.Outcome, scripted.Reply, RemoteHost, PeerTakesDsn && scripted.Outcome == RecipientOutcome.Delivered);
        }
        return new RecipientResult(recipient, RecipientOutcome.Delivered, DeliveredReply, RemoteHost, PeerTakesDsn);
    }
}
