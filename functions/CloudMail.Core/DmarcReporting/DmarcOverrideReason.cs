namespace CloudMail.Core.DmarcReporting;

/// <summary>Why a receiver applied another disposition than the policy asked for (RFC 7489 Appendix C <c>PolicyOverrideType</c>).</summary>
public enum DmarcOverride
{
    /// <summary><c>forwarded</c>: the message was relayed by a known forwarder.</summary>
    Forwarded,

    /// <summary><c>sampled_out</c>: pct= left the message out of the sample (RFC 7489 §6.6.4).</summary>
    SampledOut,

    /// <summary><c>trusted_forwarder</c>: a trusted forwarder relayed it (here: a passing ARC chain sealed by a trusted domain, RFC 8617 §7.2).</summary>
    TrustedForwarder,

    /// <summary><c>mailing_list</c>: a mailing list relayed it.</summary>
    MailingList,

    /// <summary><c>local_policy</c>: the receiver's own policy.</summary>
    LocalPolicy,

    /// <summary><c>other</c>.</summary>
    Other,
}

/// <summary>One <c>policy_evaluated/reason</c> of an aggregate report row (RFC 7489 Appendix C <c>PolicyOverrideReason</c>).</summary>
/// <param name="Type">The override type.</param>
/// <param name="Comment">Free text (<c>comment</c>, optional there): empty for none.</param>
public sealed record DmarcOverrideReason(DmarcOverride Type, string Comment = "")
{
    /// <summary>The type's keyword in the report schema.</summary>
    public string Keyword => KeywordOf(Type);

    public static string KeywordOf(DmarcOverride type) => type switch
    {
        DmarcOverride.Forwarded => "forwarded",
        DmarcOverride.SampledOut => "sampled_out",
        DmarcOverride.TrustedForwarder => "trusted_forwarder",
        DmarcOverride.MailingList => "mailing_list",
        DmarcOverride.LocalPolicy => "local_policy",
        _ => "other",
    };

    /// <summary>A keyword back as a type; <see cref="DmarcOverride.Other"/> for anything unknown (never throws).</summary>
    public static DmarcOverride TypeOf(string? keyword) =>
        Enum.GetValues<DmarcOverride>().FirstOrDefault(t => KeywordOf(t) == keyword, DmarcOverride.Other);
}
