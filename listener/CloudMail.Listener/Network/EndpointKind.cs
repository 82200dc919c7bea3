namespace CloudMail.Listener.Network;

/// <summary>The listening endpoints of CloudMail and what each one speaks.</summary>
public enum EndpointKind
{
    /// <summary>Port 25: mail from other servers (MTA to MTA); STARTTLS offered; no AUTH.</summary>
    Smtp,

    /// <summary>Port 587: message submission (RFC 6409) with STARTTLS then AUTH.</summary>
    Submission,

    /// <summary>Port 465: message submission over implicit TLS (RFC 8314).</summary>
    Submissions,

    /// <summary>Port 143: IMAP with STARTTLS.</summary>
    Imap,

    /// <summary>Port 993: IMAP over implicit TLS.</summary>
    Imaps,

    /// <summary>Port 110: POP3 with STLS.</summary>
    Pop3,

    /// <summary>Port 995: POP3 over implicit TLS.</summary>
    Pop3s,
}

/// <summary>Facts about each <see cref="EndpointKind"/>.</summary>
public static class EndpointKinds
{
    public static bool IsImplicitTls(this EndpointKind kind) => kind is EndpointKind.Submissions or EndpointKind.Imaps or EndpointKind.Pop3s;

    public static bool IsSubmission(this EndpointKind kind) => kind is EndpointKind.Submission or EndpointKind.Submissions;

    /// <summary>The keyed-service key of the <see cref="IConnectionHandler"/> that serves this kind: "smtp", "imap" or "pop3".</summary>
    public static string Protocol(this EndpointKind kind) => kind switch
    {
        EndpointKind.Smtp or EndpointKind.Submission or EndpointKind.Submissions => "smtp",
        EndpointKind.Imap or EndpointKind.Imaps => "imap",
        _ => "pop3",
    };
}
