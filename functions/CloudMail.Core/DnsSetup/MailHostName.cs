using System.Net;
using CloudMail.Core.Messages;

namespace CloudMail.Core.DnsSetup;

/// <summary>
/// The server's mail host name when <c>CloudMail:HostName</c> is not set, and whether a name is one other mail servers can
/// use. Other servers find this one by it (MX, RFC 5321 §5) and expect it in EHLO (RFC 5321 §4.1.1.1: the client's fully
/// qualified domain name, else an address literal), so a bare machine name ("vm", a container id) will not do.
/// </summary>
public static class MailHostName
{
    private static readonly TimeSpan CanonicalNameWait = TimeSpan.FromSeconds(2);
    private static readonly Lazy<string> s_machine = new(FindMachineName);

    /// <summary>
    /// The machine's name as <c>hostname -f</c> gives it: <c>gethostname()</c> when that is fully qualified, else the
    /// canonical name the system resolver gives for it (an <c>/etc/hosts</c> line such as
    /// <c>127.0.1.1 mail.example.com mail</c>, or DNS) when that is and comes within 2 seconds, else the bare name. Found once
    /// per process.
    /// </summary>
    public static string Machine => s_machine.Value;

    /// <summary>
    /// True for a fully qualified domain name another server could look up: a domain name as
    /// <see cref="DomainNames.Problem"/> checks it (two or more LDH labels; a final dot allowed), without surrounding
    /// spaces, whose last label is not all digits (an IPv4 address is not a name) and not one of the names that never
    /// resolve on the Internet (<c>localhost</c>, <c>localdomain</c>, <c>local</c>: RFC 6761 §6.3, RFC 6762).
    /// </summary>
    public static bool IsFullyQualified(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Trim().Length != name.Length || name.EndsWith("..", StringComparison.Ordinal) || DomainNames.Problem(name) is not null) return false;
        string last = name.TrimEnd('.').Split('.')[^1];
        return !last.All(char.IsAsciiDigit)
            && !last.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            && !last.Equals("localdomain", StringComparison.OrdinalIgnoreCase)
            && !last.Equals("local", StringComparison.OrdinalIgnoreCase);
    }

    private static string FindMachineName()
    {
        string name = Dns.GetHostName();
        if (IsFullyQualified(name)) return name;
        try
        {
            var lookup = Dns.GetHostEntryAsync(name);
            if (lookup.Wait(CanonicalNameWait) && IsFullyQualified(lookup.Result.HostName)) return lookup.Result.HostName;
        }
        catch (AggregateException)
        {
            // Not resolvable (no /etc/hosts line, no DNS answer): the bare name is all there is.
        }
        return name;
    }
}
