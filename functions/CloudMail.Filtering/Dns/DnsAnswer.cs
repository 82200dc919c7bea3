namespace CloudMail.Filtering.Dns;

/// <summary>How a DNS query ended, as the authentication checks need to tell it apart.</summary>
public enum DnsStatus
{
    /// <summary>At least one record of the asked type.</summary>
    Found,

    /// <summary>NXDOMAIN or no record of the type: a "void lookup" in RFC 7208 §4.6.4.</summary>
    Void,

    /// <summary>Server failure, timeout, or anything else that may go away on retry (a temperror).</summary>
    Error,
}

/// <summary>The records of one DNS answer (empty unless <see cref="Status"/> is <see cref="DnsStatus.Found"/>).</summary>
public sealed record DnsAnswer<T>(DnsStatus Status, IReadOnlyList<T> Records)
{
    public static DnsAnswer<T> Void { get; } = new(DnsStatus.Void, []);

    public static DnsAnswer<T> Error { get; } = new(DnsStatus.Error, []);

    /// <summary>Found when <paramref name="records"/> is not empty, else void.</summary>
    public static DnsAnswer<T> Of(IReadOnlyList<T> records) => records.Count > 0 ? new(DnsStatus.Found, records) : Void;
}
