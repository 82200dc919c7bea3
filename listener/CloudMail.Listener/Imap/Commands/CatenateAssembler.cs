using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CloudMail.Listener.Imap.Mailboxes;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Parsing;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// Builds one CATENATE message (RFC 4469 §5) into a new blob: TEXT parts as sent, URL parts copied from messages
/// the logged-in user can read, sections cut by the same <see cref="SectionResolver"/> as FETCH BODY[section].
/// </summary>
internal static class CatenateAssembler
{
    /// <summary>
    /// The assembled, uncommitted blob; or the refusal: <c>NO [BADURL "url"]</c> for a URL that does not resolve
    /// (RFC 4469 §6: syntax, another user or server, no such mailbox or UID, UIDVALIDITY mismatch, missing section),
    /// <c>NO [TOOBIG]</c> above the APPENDLIMIT (RFC 4469 §6, RFC 7889). Nothing is left behind on a refusal.
    /// </summary>
    public static async Task<(IBlobWriter? Writer, ImapCompletion? Refusal)> AssembleAsync(ImapSession s, IReadOnlyList<CatenatePart> parts, CancellationToken ct)
    {
        var writer = s.Services.Blobs.CreateWriter(MessageIds.New());
        try
        {
            foreach (var part in parts)
            {
                long room = s.Options.MaxLiteralSize - writer.BytesWritten;
                var (bytes, tooBig) = part.Text is { } text ? (text, text.Length > room) : await ResolveAsync(s, part.Url!, room, ct).ConfigureAwait(false);
                if (bytes is null && !tooBig) return await RefuseAsync(writer, ImapCompletion.No($"{ImapResponseCodes.BadUrl} \"{Quote(part.Url!)}\"", "Unresolvable URL")).ConfigureAwait(false);
                if (tooBig || bytes is null)
                    return await RefuseAsync(writer, ImapCompletion.No(ImapResponseCodes.TooBig, "Message too large")).ConfigureAwait(false);
                // A TEXT part's bare LFs become CRLF as an APPEND literal's do (not a literal8's: binary content); a URL's
                // bytes are a stored message's.
                if (part is { Text: not null, Binary: false }) await BareLineFeedWriter.WriteAsync(writer, bytes, afterCr: false, ct).ConfigureAwait(false);
                else await writer.WriteAsync(bytes, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (writer.BytesWritten == 0) return await RefuseAsync(writer, ImapCompletion.No(ImapResponseCodes.Cannot, "Empty messages are not stored")).ConfigureAwait(false);
        return (writer, null);
    }

    private static async Task<(IBlobWriter?, ImapCompletion?)> RefuseAsync(IBlobWriter writer, ImapCompletion refusal)
    {
        await writer.DisposeAsync().ConfigureAwait(false);
        return (null, refusal);
    }

    /// <summary>The bytes a URL names (null when it does not resolve for this user), or TooBig when they exceed <paramref name="room"/>.</summary>
    private static async Task<(byte[]? Bytes, bool TooBig)> ResolveAsync(ImapSession s, string text, long room, CancellationToken ct)
    {
        (byte[]?, bool) unresolved = (null, false);
        if (!ImapUrl.TryParse(text, out var url) || url is null) return unresolved;
        // RFC 4469 §3: the URL names a message of this user on this server (no URLAUTH here).
        if (url.User is { } user && !string.Equals(user, s.Account, StringComparison.OrdinalIgnoreCase)) return unresolved;
        string mailbox = MailboxNames.Normalize(url.Mailbox);
        var info = await s.Services.Mailboxes.GetMailboxAsync(s.Account, mailbox, ct).ConfigureAwait(false);
        if (info is null || (url.UidValidity is { } v && v != info.UidValidity)) return unresolved;
        // The mailbox's kept listing (ascending UIDs): changes since it are read, not the whole mailbox.
        var records = await s.Services.Listings.ListAsync(s.Account, info, ct).ConfigureAwait(false);
        int index = Core.Mailboxes.ViewListingCache.IndexOfUid(records, url.Uid);
        if (index < 0) return unresolved;
        var record = records[index];
        await using var message = new StoredMessage(record, s.Services.Blobs, s.Structures, s.Services.Logger);
        var structure = await message.StructureAsync(ct).ConfigureAwait(false);
        if (SectionResolver.Resolve(structure, url.ToBodySection()) is not RangeSource range) return unresolved;
        // RFC 5092 §6 ";PARTIAL=": cut as FETCH <offset.length>; an offset past the end names no bytes.
        var (offset, length) = FetchPartial.Cut(range.Length, url.Partial);
        if (length > room) return (null, true);
        return (length == 0 ? [] : await message.ReadAsync(range.Start + offset, length, ct).ConfigureAwait(false), false);
    }

    private static string Quote(string url) => url.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
