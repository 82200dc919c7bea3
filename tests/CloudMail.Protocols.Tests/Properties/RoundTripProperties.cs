using System.Globalization;
using System.Text;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;
using CloudMail.Protocols.Imap.Model;
using CloudMail.Protocols.Imap.Parsing;
using CloudMail.Protocols.Smtp.Commands;
using CloudMail.Protocols.Smtp.Parsing;
using CsCheck;

namespace CloudMail.Protocols.Tests.Properties;

/// <summary>
/// Round trips: a value a parser produces, written back in its wire form as a client would, parses to the same value
/// (CsCheck generates the values; a failure prints the shrunk case).
/// </summary>
public sealed class RoundTripProperties
{
    private const int Iterations = 2_000;

    private static readonly Gen<string> Label = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 12];
    private static readonly Gen<string> Domain = Label.Array[2, 4].Select(labels => string.Join('.', labels));
    private static readonly Gen<string> LocalPart = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-"], 1, 10]
        .Array[1, 3].Select(atoms => string.Join('.', atoms));
    private static readonly Gen<string> Address = Gen.Select(LocalPart, Domain, (l, d) => l + "@" + d);
    private static readonly Gen<string> Printable = Gen.String[Gen.Char[' ', '~'], 1, 30];

    [Fact]
    public void Mail_commands_written_back_parse_to_the_same_command()
    {
        var gen = Gen.Select(Gen.Frequency((1, Gen.Const("")), (9, Address)), Gen.Long[0, 99_999_999_999].Nullable(),
            Gen.Enum<MailBodyType>(), Gen.Frequency((1, Gen.Const("<>")), (2, Address.Select(Xtext.Encode))).Null(),
            Gen.Enum<SmtpDsnReturn>().Nullable(), Printable.Null(), Gen.Bool)
            .Select(t => new MailCommand(t.Item1, t.Item2, t.Item3, false, t.Item4, t.Item5, t.Item6, t.Item7));
        gen.Sample(mail =>
        {
            var parsed = SmtpCommandParser.Parse(Encoding.ASCII.GetBytes(Write(mail)));
            Assert.Equal(SmtpParseStatus.Command, parsed.Status);
            Assert.Equal(mail, parsed.Command);
        }, iter: Iterations, print: Write);
    }

    [Fact]
    public void Rcpt_commands_written_back_parse_to_the_same_command()
    {
        var notify = Gen.Frequency((2, Gen.Const(SmtpDsnNotify.Unspecified)), (1, Gen.Const(SmtpDsnNotify.Never)),
            (4, Gen.Int[1, 7].Select(bits => (SmtpDsnNotify)(bits << 1))));
        var gen = Gen.Select(Address, notify, Address.Null())
            .Select(t => new RcptCommand(t.Item1, false, t.Item2, t.Item3 is null ? null : "rfc822;" + t.Item3));
        gen.Sample(rcpt =>
        {
            var parsed = SmtpCommandParser.Parse(Encoding.ASCII.GetBytes(Write(rcpt)));
            Assert.Equal(SmtpParseStatus.Command, parsed.Status);
            Assert.Equal(rcpt, parsed.Command);
        }, iter: Iterations, print: Write);
    }

    [Fact]
    public void Xtext_decodes_what_it_encoded()
    {
        Printable.Sample(text =>
        {
            Assert.True(Xtext.TryDecode(Xtext.Encode(text), out string decoded));
            Assert.Equal(text, decoded);
        }, iter: Iterations);
    }

    [Fact]
    public void Modified_utf7_mailbox_names_decode_to_what_was_encoded()
    {
        // Mailbox names hold no control characters (the decoder refuses C0 and DEL): printable ASCII and the BMP from U+00A0.
        var bmp = Gen.Frequency((1, Gen.Char[' ', '~']), (3, Gen.Char['\u00A0', '\uD7FF']));
        var astral = Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32);
        var name = Gen.Frequency((4, bmp.Select(c => c.ToString())), (1, astral)).Array[1, 20].Select(parts => string.Concat(parts));
        name.Sample(text =>
        {
            string wire = ModifiedUtf7.Encode(text);
            Assert.All(wire, c => Assert.InRange(c, ' ', '~'));
            Assert.True(ModifiedUtf7.TryDecode(Encoding.ASCII.GetBytes(wire), out string decoded));
            Assert.Equal(text, decoded);
        }, iter: Iterations);
    }

    [Fact]
    public void Sequence_sets_written_back_parse_to_the_same_ranges()
    {
        var number = Gen.Frequency((1, Gen.Const(SequenceRange.Star)), (8, Gen.UInt[1, uint.MaxValue]));
        var set = Gen.Select(number, number).Select(p => new SequenceRange(p.Item1, p.Item2)).List[1, 6].Select(r => new SequenceSet(r));
        set.Sample(s =>
        {
            var fetch = ParseImap<FetchCommand>($"f UID FETCH {s} (FLAGS)\r\n");
            Assert.Equal(s.Ranges, fetch.Set.Ranges);
        }, iter: Iterations, print: s => s.ToString());
    }

    [Fact]
    public void Fetch_body_sections_written_back_parse_to_the_same_items()
    {
        var field = Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghij0123456789"], 1, 12];
        var text = Gen.Enum<SectionText>();
        var section = Gen.Select(Gen.Int[1, 30].List[0, 3], text, field.List[1, 4])
            .Where(t => t.Item2 != SectionText.Mime || t.Item1.Count > 0)
            .Select(t => new BodySection(t.Item1, t.Item2, t.Item2 is SectionText.HeaderFields or SectionText.HeaderFieldsNot ? t.Item3 : []));
        var partial = Gen.Select(Gen.UInt[0, 1_000_000], Gen.UInt[1, 1_000_000]).Select(p => new FetchPartial(p.Item1, p.Item2)).Nullable();
        Gen.Select(section, Gen.Bool, partial).Sample((s, peek, part) =>
        {
            string wire = (peek ? "BODY.PEEK[" : "BODY[") + s + "]" + (part is { } p ? string.Create(CultureInfo.InvariantCulture, $"<{p.Offset}.{p.Count}>") : "");
            var item = Assert.Single(ParseImap<FetchCommand>($"f FETCH 1 ({wire})\r\n").Items);
            Assert.Equal((s.ToString(), peek, part), (item.Section!.ToString(), item.Peek, item.Partial));
            Assert.Equal(s.Part, item.Section.Part);
            Assert.Equal(s.Fields, item.Section.Fields);
        }, iter: Iterations);
    }

    private static string Write(MailCommand m)
    {
        var line = new StringBuilder("MAIL FROM:<").Append(m.ReversePath).Append('>');
        if (m.Size is { } size) line.Append(" SIZE=").Append(size.ToString(CultureInfo.InvariantCulture));
        if (m.Body != MailBodyType.Unspecified) line.Append(" BODY=").Append(m.Body == MailBodyType.SevenBit ? "7BIT" : "8BITMIME");
        if (m.AuthSubmitter is { } auth) line.Append(" AUTH=").Append(auth);
        if (m.Return is { } ret) line.Append(" RET=").Append(ret == SmtpDsnReturn.Full ? "FULL" : "HDRS");
        if (m.EnvelopeId is { } envid) line.Append(" ENVID=").Append(Xtext.Encode(envid));
        if (m.RequireTls) line.Append(" REQUIRETLS");
        return line.ToString();
    }

    private static string Write(RcptCommand r)
    {
        var line = new StringBuilder("RCPT TO:<").Append(r.ForwardPath).Append('>');
        if (r.Notify != SmtpDsnNotify.Unspecified)
        {
            var names = new[] { SmtpDsnNotify.Never, SmtpDsnNotify.Success, SmtpDsnNotify.Failure, SmtpDsnNotify.Delay }
                .Where(f => r.Notify.HasFlag(f)).Select(f => f.ToString().ToUpperInvariant());
            line.Append(" NOTIFY=").Append(string.Join(',', names));
        }
        if (r.OriginalRecipient is { } orcpt)
        {
            int semicolon = orcpt.IndexOf(';');
            line.Append(" ORCPT=").Append(orcpt[..semicolon]).Append(';').Append(Xtext.Encode(orcpt[(semicolon + 1)..]));
        }
        return line.ToString();
    }

    private static T ParseImap<T>(string input) where T : ImapCommand
    {
        var reader = new ImapCommandReader(new ImapReaderLimits(64 * 1024, 1024 * 1024));
        var bytes = new System.Buffers.ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(input));
        var result = reader.Read(ref bytes);
        return Assert.IsType<T>(Assert.IsType<ImapCommandReady>(result).Command);
    }
}
