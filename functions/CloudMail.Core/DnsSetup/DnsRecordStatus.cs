namespace CloudMail.Core.DnsSetup;

/// <summary>How a published record compares with the one a CloudMail domain needs.</summary>
public enum DnsRecordState
{
    /// <summary>Published as needed.</summary>
    Ok,

    /// <summary>Nothing of that kind at the name: publish <see cref="DnsRecordStatus.Expected"/>.</summary>
    Missing,

    /// <summary>A record of that kind is there but says something else: replace it with <see cref="DnsRecordStatus.Expected"/>.</summary>
    Wrong,

    /// <summary>The lookup itself failed (timeout, server failure): nothing is known.</summary>
    Unknown,
}

/// <summary>One line of <c>cloudmail dns check</c>: the record needed, what was found, and the verdict.</summary>
public sealed record DnsRecordStatus(DnsRecordSpec Expected, DnsRecordState State, IReadOnlyList<string> Found);
