using CloudMail.Core.Mailboxes.Structure;
using System.Buffers;
using System.Text;
using CloudMail.Listener.Imap.Messages;
using CloudMail.Listener.MailFiles;
using CloudMail.Protocols.Imap.Parsing;
using CloudMail.Protocols.Pop3;
using CloudMail.Protocols.Pop3.Commands;
using CloudMail.Protocols.Proxy;
using CloudMail.Protocols.Smtp.Data;
using CloudMail.Protocols.Smtp.Parsing;
using CloudMail.SendApi;

namespace CloudMail.Fuzz;

/// <summary>
/// One entry per parser that reads network input. Each takes the fuzzer's bytes as a client would send them, split in two
/// segments at a point the input chooses (parsers must give the same answer for any split), and runs the parser until it
/// needs more data. Any exception is a crash; a parser that neither consumes input nor asks for more is a hang and is
/// reported as a crash too.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["smtp-commands"] = SmtpCommands,
        ["smtp-data"] = SmtpData,
        ["imap-commands"] = ImapCommands,
        ["pop3-commands"] = Pop3Commands,
        ["proxy-header"] = ProxyHeader,
        ["sendapi-json"] = bytes => JsonRequestReader.Read(bytes),
        ["sendapi-raw"] = bytes => RawMessageReader.ReadAsync(new MemoryStream(bytes), 64 * 1024, 100, CancellationToken.None).GetAwaiter().GetResult(),
        ["mbox"] = Mbox,
        ["message-structure"] = bytes => MessageStructureParser.TryParseAsync(new MemoryStream(bytes), CancellationToken.None).GetAwaiter().GetResult(),
        ["dns-records"] = DnsRecords,
        ["peer-replies"] = PeerReplies,
        ["header-rewrite"] = HeaderRewriteCopy,
    };

    /// <summary>
    /// The copy that puts CloudMail's header fields on top of a received message and leaves forged ones out: removing
    /// nothing must give back every input byte unchanged after the added fields; removing must never throw.
    /// </summary>
    private static void HeaderRewriteCopy(byte[] bytes)
    {
        const string added = "X-Added: 1\r\n";
        var copy = new MemoryStream();
        CloudMail.Core.Filtering.HeaderRewrite.CopyAsync(new MemoryStream(bytes), (b, _) => { copy.Write(b.Span); return ValueTask.CompletedTask; },
            added, _ => false, CancellationToken.None).GetAwaiter().GetResult();
        if (!copy.ToArray().AsSpan().SequenceEqual([.. Encoding.ASCII.GetBytes(added), .. bytes]))
            throw new InvalidOperationException("HeaderRewrite changed the message while removing nothing");
        CloudMail.Core.Filtering.HeaderRewrite.CopyAsync(new MemoryStream(bytes), (_, _) => ValueTask.CompletedTask, "",
            field => field.StartsWith("Authentication-Results:", StringComparison.OrdinalIgnoreCase), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Text other domains publish and any sender controls: an SPF record (RFC 7208 §4.6, its macros §7), a DMARC record
    /// (RFC 7489 §6.3) and an MTA-STS policy file (RFC 8461 §3.2), each read from the same bytes.
    /// </summary>
    private static void DnsRecords(byte[] bytes)
    {
        string text = Encoding.Latin1.GetString(bytes);
        if (CloudMail.Filtering.Spf.SpfRecordParser.IsSpfRecord(text)) CloudMail.Filtering.Spf.SpfRecordParser.Parse(text);
        CloudMail.Filtering.Spf.SpfRecordParser.Parse("v=spf1 " + text);
        CloudMail.Filtering.Spf.SpfMacro.IsValid(text, explanation: bytes.Length % 2 == 0);
        CloudMail.Core.Dmarc.DmarcRecord.Parse(text);
        CloudMail.Core.Dmarc.DmarcRecord.Parse("v=DMARC1; " + text);
        CloudMail.Delivery.MtaSts.MtaStsPolicy.Parse(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Answers of the scanners CloudMail asks: rspamd's <c>/checkv2</c> JSON and clamd's INSTREAM reply line, alone and in a session.</summary>
    private static void PeerReplies(byte[] bytes)
    {
        CloudMail.Filtering.Spam.RspamdReply.Parse(bytes);
        string reply = Encoding.Latin1.GetString(bytes);
        CloudMail.Filtering.Antivirus.ClamdVerdict.Parse(reply);
        CloudMail.Filtering.Antivirus.ClamdVerdict.ParseSessionReply(reply, 1);
    }

    private static void SmtpCommands(byte[] bytes)
    {
        var reader = new SmtpCommandReader(512, 12_288);
        var input = Split(bytes);
        while (true)
        {
            long before = input.Length;
            var result = reader.Read(ref input);
            if (result.Status == SmtpParseStatus.NeedMoreData) return;
            Progress(before, input.Length, "SMTP command reader");
        }
    }

    /// <summary>An mbox file (not network input, but a user's file read by <c>cloudmail import</c>): split, then every message's state fields and date.</summary>
    private static void Mbox(byte[] bytes)
    {
        var splitter = new MboxSplitter(maxMessageBytes: 4096);
        var parts = new List<MboxPart>();
        foreach (ReadOnlyMemory<byte> segment in Split(bytes)) splitter.Feed(segment.Span, parts);
        splitter.Complete(parts);
        foreach (MboxMessage message in parts.OfType<MboxMessage>())
        {
            MboxStatusHeaders.Extract(message.Raw);
            MboxFromLine.TryParseDate(message.FromLine);
        }
    }

    /// <summary>
    /// The DATA reader, then what the server reads from the content it produced: the header scan (hop count, the fields a
    /// submission lacks) must give the same answer for the content whole and split at a point the input chooses, and the
    /// submission's header edit must take whatever header the scan found, and every From field the scan found must reach the
    /// author check (<see cref="CloudMail.Core.Messages.AuthorAddresses"/>).
    /// </summary>
    private static void SmtpData(byte[] bytes)
    {
        var reader = new SmtpDataReader();
        var input = Split(bytes);
        var output = new ArrayBufferWriter<byte>();
        while (!reader.IsComplete && input.Length > 0)
        {
            long before = input.Length;
            reader.Read(ref input, output);
            if (!reader.IsComplete) Progress(before, input.Length, "SMTP DATA reader");
        }
        var content = output.WrittenSpan;
        var whole = new HeaderFieldScanner();
        whole.Feed(content);
        var pieces = new HeaderFieldScanner();
        int cut = bytes.Length == 0 ? 0 : bytes[^1] % (content.Length + 1);
        pieces.Feed(content[..cut]);
        pieces.Feed(content[cut..]);
        if ((whole.ReceivedCount, whole.HasFrom, whole.HasDate, whole.HasMessageId, whole.HasBcc, whole.HeaderLength)
            != (pieces.ReceivedCount, pieces.HasFrom, pieces.HasDate, pieces.HasMessageId, pieces.HasBcc, pieces.HeaderLength))
            throw new InvalidOperationException("The header scan depends on where the content was split");
        if (!whole.HeaderEnded) return;
        var header = content[..(int)whole.HeaderLength];
        CloudMail.Core.Messages.HeaderBlockEdit.Rewrite(header, removeBcc: true, ["Date: x", "Message-ID: <x@y>"]);
        if (whole.HasFrom && CloudMail.Core.Messages.AuthorAddresses.Read(header) is { Count: 0 })
            throw new InvalidOperationException("A From field the header scan found was not checked for its author");
        CloudMail.Core.Messages.AuthorAddresses.ReadResent(header); // never throws on client input
    }

    private static void ImapCommands(byte[] bytes)
    {
        var reader = new ImapCommandReader(new ImapReaderLimits(8192, 1 << 20));
        var input = Split(bytes);
        while (true)
        {
            long before = input.Length;
            var result = reader.Read(ref input);
            switch (result)
            {
                case ImapNeedMoreData:
                    return;
                case ImapAppendLiteralStarting literal:
                    reader.RejectLiteral(literal.Size, literal.Synchronizing);
                    break;
                case ImapContinuationNeeded:
                    break;
                default:
                    Progress(before, input.Length, "IMAP command reader");
                    break;
            }
            if (input.Length == before && result is ImapContinuationNeeded) return; // waits for the client
        }
    }

    private static void Pop3Commands(byte[] bytes)
    {
        var reader = new Pop3CommandReader();
        var input = Split(bytes);
        while (true)
        {
            long before = input.Length;
            if (reader.ReadCommand(ref input) is Pop3ParseOutcome<Pop3Command>.NeedMoreData) return;
            Progress(before, input.Length, "POP3 command reader");
        }
    }

    private static void ProxyHeader(byte[] bytes)
    {
        var whole = ProxyHeaderParser.Parse(bytes.AsSpan());
        var split = ProxyHeaderParser.Parse(Split(bytes));
        if (whole.GetType() != split.GetType()) throw new InvalidOperationException($"PROXY parser: {whole} whole, {split} split");
    }

    /// <summary>The input as a two-segment sequence, cut where its first byte says.</summary>
    private static ReadOnlySequence<byte> Split(byte[] bytes)
    {
        if (bytes.Length < 2) return new ReadOnlySequence<byte>(bytes);
        int cut = 1 + bytes[0] % (bytes.Length - 1);
        var first = new Segment(bytes.AsMemory(0, cut), 0);
        var second = first.Append(bytes.AsMemory(cut));
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private static void Progress(long before, long after, string parser)
    {
        if (after >= before) throw new InvalidOperationException($"{parser} returned without consuming input or asking for more (a hang)");
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
