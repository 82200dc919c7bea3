using CloudMail.Core.Mailboxes.Structure;
using System.Text;
using CloudMail.Protocols.Imap.Writing;
using MimeKit.Utils;

namespace CloudMail.Listener.Imap.Messages;

/// <summary>Writes ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 §7.4.2 and the body grammar of §9).</summary>
internal static class StructureWriter
{
    /// <summary>envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")".</summary>
    public static void Envelope(ImapResponseWriter w, ImapEnvelope e)
    {
        w.Open().NString(e.Date).Sp().NString(e.Subject).Sp();
        Addresses(w, e.From); w.Sp();
        Addresses(w, e.Sender); w.Sp();
        Addresses(w, e.ReplyTo); w.Sp();
        Addresses(w, e.To); w.Sp();
        Addresses(w, e.Cc); w.Sp();
        Addresses(w, e.Bcc); w.Sp();
        w.NString(e.InReplyTo).Sp().NString(e.MessageId).Close();
    }

    private static void Addresses(ImapResponseWriter w, IReadOnlyList<ImapAddress>? list)
    {
        if (list is null) { w.Nil(); return; }
        w.Open();
        foreach (var a in list)
            w.Open().NString(a.Name).Sp().NString(a.Route).Sp().NString(a.Mailbox).Sp().NString(a.Host).Close();
        w.Close();
    }

    /// <summary>body (RFC 3501 §9); <paramref name="extended"/> adds the extension data of BODYSTRUCTURE.</summary>
    public static void Body(ImapResponseWriter w, ImapBodyPart part, bool extended)
    {
        w.Open();
        if (part.IsMultipart)
        {
            if (part.Children.Count == 0) EmptyText(w, extended);
            foreach (var child in part.Children) Body(w, child, extended);
            w.Sp().String(part.Subtype.ToUpperInvariant());
            if (extended)
            {
                // body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
                w.Sp(); Parameters(w, part.Parameters);
                w.Sp(); DispositionField(w, part);
                w.Sp(); Languages(w, part.Languages);
                w.Sp().NString(part.Location);
            }
            w.Close();
            return;
        }

        // body-type-basic / body-type-text / body-type-msg
        w.String(part.Type.ToUpperInvariant()).Sp().String(part.Subtype.ToUpperInvariant()).Sp();
        Parameters(w, part.Parameters);
        w.Sp().NString(part.Id).Sp().NString(part.Description).Sp().String(part.Encoding).Sp().Number(part.Size);
        if (part.Message is { } inner)
        {
            w.Sp(); Envelope(w, inner.Envelope);
            w.Sp(); Body(w, inner.Body, extended);
            w.Sp().Number(part.Lines);
        }
        else if (part.IsText)
        {
            w.Sp().Number(part.Lines);
        }
        if (extended)
        {
            // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
            w.Sp().NString(part.Md5);
            w.Sp(); DispositionField(w, part);
            w.Sp(); Languages(w, part.Languages);
            w.Sp().NString(part.Location);
        }
        w.Close();
    }

    /// <summary>
    /// The one part a multipart without any (its boundary never appears) is shown with: body-type-mpart needs at least
    /// one body (RFC 3501 §9), and with BODYSTRUCTURE it carries extension data like every other part.
    /// </summary>
    private static void EmptyText(ImapResponseWriter w, bool extended) =>
        w.Raw(extended
            ? "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0 NIL NIL NIL NIL)"
            : "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");

    /// <summary>body-fld-param = "(" string SP string *(SP string SP string) ")" / nil.</summary>
    private static void Parameters(ImapResponseWriter w, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        if (parameters.Count == 0) { w.Nil(); return; }
        w.Open();
        bool first = true;
        foreach (var (name, value) in parameters)
        {
            if (!first) w.Sp();
            first = false;
            w.String(name.ToUpperInvariant()).Sp().String(ParameterValue(value));
        }
        w.Close();
    }

    /// <summary>
    /// MimeKit decodes RFC 2231 parameter values; non-ASCII values are sent as RFC 2047 encoded-words, which
    /// is what mail clients decode in BODYSTRUCTURE (IMAP4rev1 strings are 7-bit).
    /// </summary>
    private static string ParameterValue(string value) =>
        value.All(c => c is >= ' ' and <= '~') ? value : Encoding.ASCII.GetString(Rfc2047.EncodeText(Encoding.UTF8, value));

    /// <summary>body-fld-dsp = "(" string SP body-fld-param ")" / nil.</summary>
    private static void DispositionField(ImapResponseWriter w, ImapBodyPart part)
    {
        if (part.Disposition is null) { w.Nil(); return; }
        w.Open().String(part.Disposition.ToUpperInvariant()).Sp();
        Parameters(w, part.DispositionParameters);
        w.Close();
    }

    /// <summary>body-fld-lang = nstring / "(" string *(SP string) ")".</summary>
    private static void Languages(ImapResponseWriter w, IReadOnlyList<string>? languages)
    {
        if (languages is null || languages.Count == 0) { w.Nil(); return; }
        w.Open();
        for (int i = 0; i < languages.Count; i++)
        {
            if (i > 0) w.Sp();
            w.String(languages[i]);
        }
        w.Close();
    }
}
