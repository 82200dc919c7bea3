using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.TlsReports;

/// <summary>Session counts of one policy: RowKey <c>{domain}:p:{policy key}</c>.</summary>
internal sealed class TlsPolicyEntity : TableRow
{
    public string PolicyType { get; set; } = "";

    /// <summary>JSON array of the policy strings.</summary>
    public string PolicyStrings { get; set; } = "[]";

    /// <summary>JSON array of the MX host patterns.</summary>
    public string MxHosts { get; set; } = "[]";
    public long Successes { get; set; }
    public long Failures { get; set; }
}

/// <summary>Failed sessions of one kind: RowKey <c>{domain}:f:{policy key}:{detail key}</c>.</summary>
internal sealed class TlsFailureEntity : TableRow
{
    public string PolicyKey { get; set; } = "";
    public string ResultType { get; set; } = "";
    public string? SendingMtaIp { get; set; }
    public string? ReceivingMxHostname { get; set; }
    public string? ReceivingIp { get; set; }
    public string? FailureReasonCode { get; set; }
    public long Sessions { get; set; }
}
