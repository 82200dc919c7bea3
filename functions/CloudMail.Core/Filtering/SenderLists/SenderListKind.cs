namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>What a sender-list entry does to mail from a matching sender.</summary>
public enum SenderListKind
{
    /// <summary>Trusted: no DNSBL refusal, no greylisting, never filed in Junk or refused as spam. Authentication
    /// (SPF/DMARC refusals) and virus scanning still apply.</summary>
    Allow,

    /// <summary>Refused at RCPT on port 25 with <c>550 5.7.1</c>.</summary>
    Block,
}
