namespace CloudMail.Listener.Network;

/// <summary>
/// The deadline for one command line (or one whole command, IMAP literals included): the clock starts when
/// the server first waits for the line and is not restarted by partial input, so a client that sends one
/// byte at a time is cut off when the limit runs out, however steadily it dribbles. Sessions call
/// <see cref="Remaining"/> before every wait and <see cref="Reset"/> once the line is complete.
/// </summary>
internal struct LineDeadline
{
    private long _started;
    private bool _running;

    /// <summary>Starts the clock if it is not running; returns what is left of <paramref name="limit"/> (zero or less: expired).</summary>
    public TimeSpan Remaining(TimeProvider time, TimeSpan limit)
    {
        if (!_running)
        {
            _started = time.GetTimestamp();
            _running = true;
        }
        return limit - time.GetElapsedTime(_started);
    }

    /// <summary>The line is complete: the next wait starts a new clock.</summary>
    public void Reset() => _running = false;
}
