using CloudMail.Core.DeliveryLog;
using CloudMail.Core.DnsSetup;
using CloudMail.Core.Queue;

namespace CloudMail.AdminApi;

/// <summary>One page of a list (<see cref="Pagination"/>): the items, and the link to the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>A local domain.</summary>
public sealed record DomainView(string Name);

/// <summary>
/// A mailbox account (never its password hash). <see cref="Disabled"/>: every login is refused; mail is still received. Quota: the per-user quota, when it exists, is one more member here
/// and in <see cref="NewUser"/>.
/// </summary>
public sealed record UserView(string Address, DateTimeOffset CreatedAt, bool Disabled);

/// <summary>One alias → target mapping (<c>@domain</c> aliases are catch-alls).</summary>
public sealed record AliasView(string Alias, string Target);

/// <summary>
/// An alias just added; <see cref="Warning"/> (null when all is well) says why mail to it cannot arrive yet: its target is of a
/// local domain and reaches no account (<see cref="Core.Admin.DirectoryAdministration.UnreachableTargetWarningAsync"/>).
/// </summary>
public sealed record AddedAliasView(string Alias, string Target, string? Warning);

/// <summary>What <c>POST /queue/flush</c> did: how many waiting jobs it made due now.</summary>
public sealed record FlushedView(int Flushed);

/// <summary>A send API key without its secret.</summary>
public sealed record ApiKeyView(string KeyId, string Domain, DateTimeOffset CreatedAt);

/// <summary>A send API key just created: <see cref="Key"/> is shown this once.</summary>
public sealed record CreatedApiKeyView(string KeyId, string Domain, DateTimeOffset CreatedAt, string Key)
{
    /// <summary>Hides the plaintext so that logging the record by accident does not leak it.</summary>
    public override string ToString() => $"CreatedApiKeyView {{ KeyId = {KeyId}, Domain = {Domain}, Key = *** }}";
}

/// <summary>
/// What is known of one message: per recipient, the delivery log; every recorded attempt (oldest first per recipient, the newest
/// <see cref="DeliveryAttempt.MaxPerRecipient"/> of each); per queue job of it, where it stands (null when the queues are not
/// administered here).
/// </summary>
public sealed record MessageTraceView(string MessageId, IReadOnlyList<DeliveryView> Recipients, IReadOnlyList<QueueJobView>? Jobs, IReadOnlyList<AttemptView> Attempts)
{
    public static MessageTraceView From(MessageTrace trace) =>
        new(trace.MessageId, [.. trace.Recipients.Select(DeliveryView.From)], trace.Jobs?.Select(j => QueueJobView.From(j)).ToList(),
            [.. trace.Attempts.Select(AttemptView.From)]);
}

/// <summary>One attempt of one recipient (<see cref="DeliveryAttempt"/>): when, which stage, the result, the host tried, the reply and its enhanced status code, the next try.</summary>
public sealed record AttemptView(string Recipient, DateTimeOffset At, string Stage, DeliveryStatus Result, int Attempt, string? RemoteHost, string? Reply,
    string? DsnStatus, DateTimeOffset? NextAttemptAt)
{
    public static AttemptView From(DeliveryAttempt a) => new(a.Recipient, a.At, a.Stage, a.Result, a.Attempt, a.RemoteHost, a.Reply, a.DsnStatus, a.NextAttemptAt);
}

/// <summary>The DNS check of a domain: every record it needs, and whether all are published as needed.</summary>
public sealed record DnsCheckView(string Domain, string HostName, bool Ok, IReadOnlyList<DnsRecordView> Records);

/// <summary>One needed record, what was found and the verdict; <see cref="Publish"/> is the zone-file line to publish.</summary>
public sealed record DnsRecordView(string Name, DnsRecordType Type, string Value, string Purpose, DnsRecordState State, IReadOnlyList<string> Found, string Publish)
{
    public static DnsRecordView From(DnsRecordStatus s) =>
        new(s.Expected.Name, s.Expected.Type, s.Expected.Value, s.Expected.Purpose, s.State, s.Found, s.Expected.ZoneFileLine());
}

/// <summary>Body of <c>POST /domains</c>.</summary>
public sealed record NewDomain(string? Name);

/// <summary>Body of <c>POST /users</c>. Quota: the per-user quota, when it exists, is one more member here.</summary>
public sealed record NewUser(string? Address, string? Password)
{
    /// <summary>Hides the password.</summary>
    public override string ToString() => $"NewUser {{ Address = {Address}, Password = *** }}";
}

/// <summary>Body of <c>PUT /users/{address}/password</c>.</summary>
public sealed record NewPassword(string? Password)
{
    /// <summary>Hides the password.</summary>
    public override string ToString() => "NewPassword { Password = *** }";
}

/// <summary>Body of <c>POST /aliases</c>.</summary>
public sealed record NewAlias(string? Alias, string? Target);

/// <summary>Body of <c>POST /api-keys</c>.</summary>
public sealed record NewApiKey(string? Domain);
