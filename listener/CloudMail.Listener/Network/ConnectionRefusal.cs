namespace CloudMail.Listener.Network;

/// <summary>Why the listener turns a connection away before any session starts; each protocol words its own reply.</summary>
public enum ConnectionRefusal
{
    /// <summary>The client's address holds <see cref="ClientLimitOptions.MaxConnectionsPerAddress"/> connections to this protocol.</summary>
    TooManyFromAddress,

    /// <summary>The client's address made <see cref="ClientLimitOptions.MaxConnectionsPerAddressPerMinute"/> attempts this minute.</summary>
    AddressRateExceeded,

    /// <summary>
    /// The endpoint holds <see cref="Configuration.CloudMailOptions.MaxConnectionsPerEndpoint"/> connections, or the
    /// limiter cannot remember another address: the server is busy for everyone.
    /// </summary>
    ServerBusy,
}
