namespace CloudMail.Listener.Network;

/// <summary>
/// The client did not accept output within the write timeout (it stopped reading). An <see cref="IOException"/>,
/// so every session treats it as a lost connection and ends quietly.
/// </summary>
public sealed class ClientWriteTimeoutException(TimeSpan timeout)
    : IOException($"The client did not accept output within {timeout}.")
{
    public TimeSpan Timeout { get; } = timeout;
}
