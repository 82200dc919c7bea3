namespace CloudMail.Protocols.Imap;

/// <summary>Status words of IMAP status responses (RFC 3501 §7.1).</summary>
public enum ImapStatus
{
    /// <summary>RFC 3501 §7.1.1: success.</summary>
    Ok,

    /// <summary>RFC 3501 §7.1.2: operational error; the command was understood but failed.</summary>
    No,

    /// <summary>RFC 3501 §7.1.3: protocol error in the client's command.</summary>
    Bad,

    /// <summary>RFC 3501 §7.1.5: the server is about to close the connection.</summary>
    Bye,
}

/// <summary>Wire spelling of <see cref="ImapStatus"/>.</summary>
public static class ImapStatusWords
{
    public static string ToWire(this ImapStatus status) => status switch
    {
        ImapStatus.Ok => "OK",
        ImapStatus.No => "NO",
        ImapStatus.Bad => "BAD",
        _ => "BYE",
    };
}

/// <summary>
/// Response codes (the bracketed text after a status word) used by CloudMail, with the RFC that defines each.
/// Codes that take arguments are written as "CODE args" by the caller.
/// </summary>
public static class ImapResponseCodes
{
    // RFC 3501 §7.1 (IMAP4rev1).
    public const string Alert = "ALERT";
    public const string BadCharset = "BADCHARSET";
    public const string Capability = "CAPABILITY";
    public const string Parse = "PARSE";
    public const string PermanentFlags = "PERMANENTFLAGS";
    public const string ReadOnly = "READ-ONLY";
    public const string ReadWrite = "READ-WRITE";
    public const string TryCreate = "TRYCREATE";
    public const string UidNext = "UIDNEXT";
    public const string UidValidity = "UIDVALIDITY";
    public const string Unseen = "UNSEEN";

    // RFC 4315 §3 (UIDPLUS).
    public const string AppendUid = "APPENDUID";
    public const string CopyUid = "COPYUID";
    public const string UidNotSticky = "UIDNOTSTICKY";

    // RFC 5530 §3 (IMAP response codes).
    public const string Unavailable = "UNAVAILABLE";
    public const string AuthenticationFailed = "AUTHENTICATIONFAILED";
    public const string AuthorizationFailed = "AUTHORIZATIONFAILED";
    public const string PrivacyRequired = "PRIVACYREQUIRED";
    public const string ContactAdmin = "CONTACTADMIN";
    public const string NoPerm = "NOPERM";
    public const string InUse = "INUSE";
    public const string ExpungeIssued = "EXPUNGEISSUED";
    public const string Corruption = "CORRUPTION";
    public const string ServerBug = "SERVERBUG";
    public const string ClientBug = "CLIENTBUG";
    public const string Cannot = "CANNOT";
    public const string Limit = "LIMIT";
    public const string OverQuota = "OVERQUOTA";
    public const string Closed = "CLOSED";              // RFC 7162 §3.2.11
    public const string AlreadyExists = "ALREADYEXISTS";
    public const string NonExistent = "NONEXISTENT";

    // RFC 4469 §5 (CATENATE), reused by RFC 9051 §7.1 for "literal too large".
    public const string TooBig = "TOOBIG";
    public const string BadUrl = "BADURL";              // RFC 4469 §6, followed by the quoted URL

    // RFC 3516 §4.3 (BINARY): the server cannot remove the section's Content-Transfer-Encoding.
    public const string UnknownCte = "UNKNOWN-CTE";

    // RFC 7162 §3.1 (CONDSTORE).
    public const string HighestModSeq = "HIGHESTMODSEQ";

    /// <summary>MAILBOXID (RFC 8474 §4.1): after SELECT/EXAMINE (untagged OK) and CREATE (tagged OK), followed by "(id)".</summary>
    public const string MailboxId = "MAILBOXID";
    public const string NoModSeq = "NOMODSEQ";
    public const string Modified = "MODIFIED";

    // RFC 4978 §3 (COMPRESS), registered by RFC 5530 §3.
    public const string CompressionActive = "COMPRESSIONACTIVE";

    // RFC 6154 §3 (CREATE-SPECIAL-USE).
    public const string UseAttr = "USEATTR";

    // RFC 5465 §5.8 (NOTIFY): the server stopped sending notifications, as after NOTIFY NONE.
    public const string NotificationOverflow = "NOTIFICATIONOVERFLOW";
}

/// <summary>Capability names CloudMail advertises (RFC 3501 §7.2.1 and the extension RFCs).</summary>
public static class ImapCapabilities
{
    public const string Imap4Rev1 = "IMAP4rev1";        // RFC 3501
    public const string Imap4Rev2 = "IMAP4rev2";        // RFC 9051
    public const string LiteralPlus = "LITERAL+";       // RFC 7888
    public const string SaslIr = "SASL-IR";             // RFC 4959
    public const string Id = "ID";                      // RFC 2971
    public const string Enable = "ENABLE";              // RFC 5161
    public const string Idle = "IDLE";                  // RFC 2177
    public const string Notify = "NOTIFY";              // RFC 5465
    public const string Namespace = "NAMESPACE";        // RFC 2342
    public const string UidPlus = "UIDPLUS";            // RFC 4315
    public const string Unselect = "UNSELECT";          // RFC 3691
    public const string Children = "CHILDREN";          // RFC 3348
    public const string SpecialUse = "SPECIAL-USE";     // RFC 6154
    public const string Move = "MOVE";                  // RFC 6851
    public const string CondStore = "CONDSTORE";        // RFC 7162
    public const string QResync = "QRESYNC";            // RFC 7162 §3.2
    public const string Esearch = "ESEARCH";            // RFC 4731
    public const string SearchRes = "SEARCHRES";        // RFC 5182
    public const string Binary = "BINARY";              // RFC 3516
    public const string ListStatus = "LIST-STATUS";     // RFC 5819
    public const string StatusSize = "STATUS=SIZE";     // RFC 8438
    public const string Sort = "SORT";                  // RFC 5256
    public const string SortDisplay = "SORT=DISPLAY";   // RFC 5957
    public const string Esort = "ESORT";                // RFC 5267 §3
    public const string ThreadOrderedSubject = "THREAD=ORDEREDSUBJECT"; // RFC 5256
    public const string ThreadReferences = "THREAD=REFERENCES"; // RFC 5256
    public const string AppendLimit = "APPENDLIMIT=";   // RFC 7889, followed by the limit in octets
    public const string Quota = "QUOTA";                // RFC 9208 §3.1
    public const string QuotaStorage = "QUOTA=RES-STORAGE"; // RFC 9208 §5.1
    public const string QuotaMessage = "QUOTA=RES-MESSAGE"; // RFC 9208 §5.2
    public const string MultiAppend = "MULTIAPPEND";    // RFC 3502
    public const string Catenate = "CATENATE";          // RFC 4469
    public const string CompressDeflate = "COMPRESS=DEFLATE"; // RFC 4978
    public const string ListExtended = "LIST-EXTENDED"; // RFC 5258
    public const string CreateSpecialUse = "CREATE-SPECIAL-USE"; // RFC 6154 §3
    public const string Utf8Accept = "UTF8=ACCEPT";     // RFC 6855
    public const string SaveDate = "SAVEDATE";          // RFC 8514
    public const string Partial = "PARTIAL";            // RFC 9394 (PARTIAL of RFC 5267 §4.4 for SEARCH, SORT and FETCH)
    public const string Within = "WITHIN";              // RFC 5032: the OLDER and YOUNGER search keys
    public const string ObjectId = "OBJECTID";          // RFC 8474: MAILBOXID, EMAILID, THREADID
    public const string Preview = "PREVIEW";            // RFC 8970
    public const string StartTls = "STARTTLS";          // RFC 3501 §6.2.1
    public const string LoginDisabled = "LOGINDISABLED"; // RFC 3501 §6.2.3
    public const string AuthPlain = "AUTH=PLAIN";       // RFC 4616
    public const string AuthLogin = "AUTH=LOGIN";       // draft-murchison-sasl-login: what Outlook and older clients ask for
}
