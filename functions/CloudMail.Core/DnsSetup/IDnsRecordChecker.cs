namespace CloudMail.Core.DnsSetup;

/// <summary>Looks up the records a domain needs and compares them with what is published (CloudMail.Delivery's DomainDnsChecker).</summary>
public interface IDnsRecordChecker
{
    /// <summary>One status per record of <paramref name="expected"/>, in the same order. Lookup failures are <see cref="DnsRecordState.Unknown"/>, not exceptions.</summary>
    Task<IReadOnlyList<DnsRecordStatus>> CheckAsync(IReadOnlyList<DnsRecordSpec> expected, CancellationToken cancellationToken);
}
