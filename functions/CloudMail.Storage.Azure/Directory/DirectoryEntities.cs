using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Directory;

/// <summary>The row that makes a domain local. Its ETag also guards the domain's accounts and aliases.</summary>
internal sealed class DomainEntity : TableRow
{
    public string Domain { get; set; } = "";
    public long CreatedAtTicks { get; set; }
}

/// <summary>A mailbox account.</summary>
internal sealed class AccountEntity : TableRow
{
    public string Address { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public long CreatedAtTicks { get; set; }

    /// <summary>The account's own storage limit; absent = the configured default, 0 = unlimited.</summary>
    public long? QuotaStorageBytes { get; set; }

    /// <summary>The account's own message limit; absent = the configured default, 0 = unlimited.</summary>
    public long? QuotaMessages { get; set; }

    /// <summary>True when an administrator disabled the account; absent (rows from before the property) or false = enabled.</summary>
    public bool? Disabled { get; set; }
}

/// <summary>One alias → target mapping.</summary>
internal sealed class AliasEntity : TableRow
{
    public string Alias { get; set; } = "";
    public string Target { get; set; } = "";
}

/// <summary>A send-API key; only the SHA-256 of its secret.</summary>
internal sealed class ApiKeyEntity : TableRow
{
    public string KeyId { get; set; } = "";
    public string Domain { get; set; } = "";
    public string SecretSha256 { get; set; } = "";
    public long CreatedAtTicks { get; set; }
}

internal sealed class AdminKeyEntity : TableRow
{
    public string KeyId { get; set; } = "";
    public string Scopes { get; set; } = "";
    public string SecretSha256 { get; set; } = "";
    public long CreatedAtTicks { get; set; }
}
