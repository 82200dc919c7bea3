using System.Diagnostics;
using System.Globalization;

namespace CloudMail.Listener.MailFiles;

/// <summary>
/// Progress of an import: on a terminal, one line (messages, MB/s, ETA) rewritten in place at most every 200 ms;
/// otherwise (a log, a pipe) a plain line every <see cref="LinesEvery"/> messages.
/// </summary>
public sealed class ImportProgress(TextWriter output, bool inPlace, long totalBytes)
{
    /// <summary>Messages between two progress lines when the output is not a terminal.</summary>
    public const int LinesEvery = 1000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastDrawn;
    private bool _drawn;

    public long Messages { get; private set; }

    public long Bytes { get; private set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Source megabytes (10^6 bytes) read per second so far.</summary>
    public double MegabytesPerSecond => Bytes / 1e6 / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);

    /// <summary>Messages read per second so far.</summary>
    public double MessagesPerSecond => Messages / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);

    /// <summary>One more message read, which took <paramref name="sourceBytes"/> of the source.</summary>
    public void Message(long sourceBytes) => Advance(1, sourceBytes);

    /// <summary>Source bytes read without a message (a skipped one).</summary>
    public void Skipped(long sourceBytes) => Advance(0, sourceBytes);

    /// <summary>Clears the in-place line before other output (a problem) is written.</summary>
    public void Interrupt()
    {
        if (!_drawn) return;
        output.Write("\r\u001b[K");
        _drawn = false;
        _lastDrawn = null; // drawn again with the next message
    }

    /// <summary>Ends the in-place line.</summary>
    public void Finish()
    {
        if (!inPlace) return;
        Draw();
        output.WriteLine();
    }

    private void Advance(int messages, long bytes)
    {
        Messages += messages;
        Bytes += bytes;
        if (inPlace)
        {
            if (_lastDrawn is not { } last || _clock.Elapsed - last >= TimeSpan.FromMilliseconds(200)) Draw();
        }
        else if (messages > 0 && Messages % LinesEvery == 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Messages} messages read, {Bytes / 1e6:F1} MB, {MegabytesPerSecond:F1} MB/s, {MessagesPerSecond:F0} messages/s"));
        }
    }

    private void Draw()
    {
        _lastDrawn = _clock.Elapsed;
        double rate = Bytes / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
        string eta = totalBytes > Bytes && rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling((totalBytes - Bytes) / rate)).ToString("c", CultureInfo.InvariantCulture) : "-";
        string percent = totalBytes > 0 ? (100.0 * Bytes / totalBytes).ToString("F0", CultureInfo.InvariantCulture) + "%" : "";
        output.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r\u001b[K{Messages} messages  {percent}  {MegabytesPerSecond:F1} MB/s  ETA {eta}"));
        output.Flush();
        _drawn = true;
    }
}
