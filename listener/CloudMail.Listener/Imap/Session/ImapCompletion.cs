using CloudMail.Protocols.Imap;

namespace CloudMail.Listener.Imap.Session;

/// <summary>
/// How a command handler ended: the tagged status response the session writes after any untagged updates,
/// or <see cref="AlreadySent"/> when the handler wrote it itself (LOGOUT, STARTTLS).
/// </summary>
/// <param name="IsError">Counts towards <see cref="ImapOptions.MaxErrors"/> (every BAD, and failed logins).</param>
internal readonly record struct ImapCompletion(ImapStatus Status, string? Code, string Text, bool IsError, bool Sent)
{
    public static readonly ImapCompletion AlreadySent = new(ImapStatus.Ok, null, "", false, true);

    public static ImapCompletion Ok(string text, string? code = null) => new(ImapStatus.Ok, code, text, false, false);

    public static ImapCompletion No(string? code, string text, bool isError = false) => new(ImapStatus.No, code, text, isError, false);

    public static ImapCompletion Bad(string text, string? code = null) => new(ImapStatus.Bad, code, text, true, false);
}
