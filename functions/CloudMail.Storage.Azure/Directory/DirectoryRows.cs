using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>
/// Layout of the <see cref="AzureResourceNames.Tables.Directory"/> table.
/// <list type="table">
/// <item><term><c>dom:{domain}</c> / <c>domain</c></term><description>the domain row (exists = the domain is local)</description></item>
/// <item><term><c>dom:{domain}</c> / <c>acct:{local part}</c></term><description>an account: address, password hash, created, own quota limits</description></item>
/// <item><term><c>dom:{domain}</c> / <c>alias:{local part}:{target}</c></term><description>one alias target (local part empty for the <c>@domain</c> catch-all)</description></item>
/// <item><term><c>apikey:{key id}</c> / <c>key</c></term><description>a send-API key: domain and SHA-256 of the secret</description></item>
/// <item><term><c>adminkey:{key id}</c> / <c>key</c></term><description>an admin API key: scopes and SHA-256 of the secret</description></item>
/// </list>
/// A domain and everything in it share one partition, so "add an account only while its domain exists" and
/// "remove a domain only while it is empty" are single-partition, ETag-guarded operations. Lookups on the
/// mail path (is this domain local, get account, alias targets, verify key) are point reads or one-partition
/// prefix queries; only the admin listings across all domains scan the table. Values are escaped with
/// <see cref="TableKeys.Escape"/>; the unescaped values are stored as properties and never parsed back out of keys.
/// </summary>
internal static class DirectoryRows
{
    public const string DomainPartitionPrefix = "dom:";
    public const string DomainRow = "domain";
    public const string AccountPrefix = "acct:";
    public const string AliasPrefix = "alias:";
    public const string ApiKeyPartitionPrefix = "apikey:";
    public const string ApiKeyRow = "key";
    public const string AdminKeyPartitionPrefix = "adminkey:";

    public static string DomainPartition(string domain) => DomainPartitionPrefix + TableKeys.Escape(domain);

    public static string Account(string localPart) => AccountPrefix + TableKeys.Escape(localPart);

    /// <summary>Prefix of every target row of one alias.</summary>
    public static string AliasTargets(string localPart) => AliasPrefix + TableKeys.Escape(localPart) + ":";

    public static string Alias(string localPart, string target) => AliasTargets(localPart) + TableKeys.Escape(target);

    public static string ApiKeyPartition(string keyId) => ApiKeyPartitionPrefix + TableKeys.Escape(keyId);

    public static string AdminKeyPartition(string keyId) => AdminKeyPartitionPrefix + TableKeys.Escape(keyId);
}
