using System.Net;

namespace CloudMail.Filtering.Spf;

/// <summary>
/// What the macros of RFC 7208 §7.2 expand to for one check_host() call: <paramref name="Sender"/> is the full
/// <c>local@domain</c> (the local part already "postmaster" when it was empty, §4.3), <paramref name="Domain"/> the domain
/// being checked (%{d}), <paramref name="ValidatedName"/> computes %{p} on demand (it costs DNS queries, §7.3).
/// </summary>
public sealed record SpfMacroContext(
    string Sender,
    string Domain,
    IPAddress Ip,
    string Helo,
    string ReceivingHost,
    DateTimeOffset Now,
    Func<CancellationToken, Task<string>>? ValidatedName = null)
{
    public string LocalPart => Sender[..Math.Max(0, Sender.LastIndexOf('@'))];

    public string SenderDomain => Sender[(Sender.LastIndexOf('@') + 1)..];
}
