using System.Text;

namespace CloudMail.Protocols.Tests.Imap;

/// <summary>The issue's requirement: every command split at every byte boundary parses the same.</summary>
public class ImapCommandSplitTests
{
    private static readonly string[] Samples =
    [
        "a1 CAPABILITY\r\n",
        "a2 LOGIN alice@example.test \"p\\\"ss\\\\word\"\r\n",
        "a3 LOGIN {18}\r\nalice@example.test {8}\r\npassword\r\n",
        "a4 LOGIN {18+}\r\nalice@example.test {8+}\r\npassword\r\n",
        "a5 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n",
        "a6 SELECT \"Entw&APw-rfe\" (CONDSTORE)\r\n",
        "a7 LIST \"\" \"*\"\r\n",
        "a8 LIST (SPECIAL-USE) \"\" (\"%\" \"Archive/*\") RETURN (CHILDREN)\r\n",
        "a9 UID FETCH 1:*,4:2 (FLAGS UID BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]<0.100> BODY[1.2.MIME] BINARY.PEEK[1] RFC822.SIZE) (CHANGEDSINCE 12)\r\n",
        "a10 FETCH * FULL\r\n",
        "a11 SEARCH CHARSET UTF-8 OR FROM alice (NOT SEEN SUBJECT {6}\r\nhällo) SINCE 1-Feb-2024 UID 3:* 1,2 HEADER X-Tag \"\" LARGER 10\r\n",
        "a12 UID STORE 1:3 (UNCHANGEDSINCE 7) +FLAGS.SILENT (\\Seen $Forwarded)\r\n",
        "a13 STORE 2 FLAGS \\Deleted \\Flagged\r\n",
        "a14 APPEND Drafts (\\Draft \\Seen) \" 3-Mar-2024 10:11:12 +0100\" {25}\r\nSubject: x\r\n\r\nhello {3}\r\n\r\n",
        "a15 APPEND INBOX {11+}\r\nhello world\r\n",
        "a26 APPEND Sent (\\Seen) {5}\r\nfirst \" 3-Mar-2024 10:11:12 +0100\" {6+}\r\nsecond {5}\r\nthird\r\n",
        "a16 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE)\r\n",
        "a17 ID (\"name\" \"Thunderbird\" \"version\" NIL)\r\n",
        "a18 UID MOVE 4,6:8 Trash\r\n",
        "a19 UID EXPUNGE 1:5\r\n",
        "a20 RENAME {3}\r\nold \"new/child\"\r\n",
        "a21 ENABLE CONDSTORE UTF8=ACCEPT\r\n",
        "a27 UID FETCH 1:* (SAVEDATE FLAGS) (CHANGEDSINCE 3 PARTIAL -1:-50)\r\n",
        "a28 SEARCH RETURN (COUNT PARTIAL 1:100) SAVEDBEFORE 1-Feb-2024 SAVEDATESUPPORTED SAVEDON 2-Feb-2024 OR SAVEDSINCE 3-Feb-2024 SUBJECT {4+}\r\nthé\r\n",
        "a29 UID SORT RETURN (PARTIAL 10:1 SAVE) (REVERSE DATE) UTF-8 SAVEDSINCE 1-Jan-2024\r\n",
        "a30 SEARCH RETURN (PARTIAL 1:-2) ALL\r\n",
        "a31 APPEND INBOX (\\Seen) CATENATE (TEXT {4}\r\nhead URL \"/INBOX/;UID=1/;SECTION=TEXT\" TEXT ~{3+}\r\nx\0y) {5}\r\nplain\r\n",
        "a32 APPEND INBOX {5+}\r\nplain CATENATE (URL {13}\r\n/INBOX/;UID=1)\r\n",
        "garbage without a command\r\n",
        "* BAD things\r\n",
        "a22 FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)\r\n",
        "a23 NOOP\na24 NOOP\r\n",
        "\r\na25 LOGOUT\r\n",
    ];

    public static TheoryData<string> Commands => new(Samples);

    [Fact]
    public void Samples_parse_to_commands_except_the_deliberately_malformed_ones()
    {
        var rejected = new List<string>();
        foreach (string sample in Samples)
            foreach (string e in ReaderHarness.FeedWhole(sample))
                if (e.StartsWith("ImapRejected", StringComparison.Ordinal)) rejected.Add(e);
        Assert.Equal(4, rejected.Count);
        Assert.Contains(rejected, e => e.Contains("Tag=\"a30\"", StringComparison.Ordinal));
        Assert.Contains(rejected, e => e.Contains("Tag=\"garbage\"", StringComparison.Ordinal));
        Assert.Contains(rejected, e => e.Contains("Tag=null", StringComparison.Ordinal));
        Assert.Contains(rejected, e => e.Contains("Tag=\"a22\"", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_split_point_gives_the_same_results(string command)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(command);
        var whole = ReaderHarness.Feed([bytes]);
        Assert.NotEmpty(whole);
        for (int i = 1; i < bytes.Length; i++)
        {
            var split = ReaderHarness.Feed([bytes[..i], bytes[i..]]);
            Assert.True(whole.SequenceEqual(split), $"split at {i}:\n{string.Join("\n", split)}\nvs whole:\n{string.Join("\n", whole)}");
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Byte_at_a_time_gives_the_same_results(string command)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(command);
        var whole = ReaderHarness.Feed([bytes]);
        var single = ReaderHarness.Feed(bytes.Select(b => new[] { b }));
        Assert.Equal(whole, single);
    }

    [Fact]
    public void Pipelined_commands_split_at_every_point_give_the_same_results()
    {
        string all = string.Concat(Samples);
        byte[] bytes = Encoding.UTF8.GetBytes(all);
        var whole = ReaderHarness.Feed([bytes]);
        Assert.True(whole.Count > 25);
        for (int i = 1; i < bytes.Length; i += 7)
        {
            int j = Math.Min(bytes.Length, i + 13);
            Assert.Equal(whole, ReaderHarness.Feed([bytes[..i], bytes[i..j], bytes[j..]]));
        }
    }

    [Fact]
    public void Oversized_input_is_rejected_the_same_way_at_every_split()
    {
        var limits = new CloudMail.Protocols.Imap.Parsing.ImapReaderLimits(64, 1000);
        string input = "t1 LOGIN " + new string('x', 100) + " y\r\nt2 LOGIN {500+}\r\n" + new string('z', 500) + "\r\nt3 NOOP\r\n";
        byte[] bytes = Encoding.ASCII.GetBytes(input);
        var whole = ReaderHarness.Feed([bytes], limits);
        Assert.Equal(3, whole.Count);
        for (int i = 1; i < bytes.Length; i++)
            Assert.Equal(whole, ReaderHarness.Feed([bytes[..i], bytes[i..]], limits));
    }
}
