namespace CloudMail.Listener.Network;

/// <summary>
/// The deadline for receiving one block of data (an SMTP DATA or BDAT block, an IMAP APPEND literal), so
/// that progress by the byte cannot hold a session for ever. Two rules, both enforced by <see cref="NextWait"/>:
/// no single wait is longer than the idle limit, and the block as a whole must arrive by its deadline, which
/// starts at the idle limit and grows by one second for every <c>minDataRate</c> octets received (Postfix's
/// smtpd_min_data_rate idea: a client that keeps the average rate is never cut off; one that dribbles is cut
/// off soon after the idle limit).
/// </summary>
internal readonly struct TransferDeadline
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan _idle;
    private readonly int _minDataRate;
    private readonly long _octetsAtStart;

    /// <param name="idle">Longest single wait for more data, and the deadline before any data arrived.</param>
    /// <param name="minDataRate">Octets per second that earn one more second of deadline.</param>
    /// <param name="octetsAtStart">The caller's count of received octets when the block starts.</param>
    public TransferDeadline(TimeProvider time, TimeSpan idle, int minDataRate, long octetsAtStart)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minDataRate, 1);
        _time = time;
        _started = time.GetTimestamp();
        _idle = idle;
        _minDataRate = minDataRate;
        _octetsAtStart = octetsAtStart;
    }

    /// <summary>How long the next read may wait, given <paramref name="octetsNow"/> received so far (zero or less: expired).</summary>
    public TimeSpan NextWait(long octetsNow)
    {
        var earned = TimeSpan.FromSeconds((double)(octetsNow - _octetsAtStart) / _minDataRate);
        var left = _idle + earned - _time.GetElapsedTime(_started);
        return left < _idle ? left : _idle;
    }
}
