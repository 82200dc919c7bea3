using System.Text;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.MailFiles;

namespace CloudMail.Listener.Tests.MailFiles;

public sealed class MboxHeadersAndDatesTests
{
    [Theory]
    [InlineData("From alice@a.test Wed Dec  4 05:17:37 2024", "2024-12-04T05:17:37+00:00")]
    [InlineData("From alice@a.test  Wed Dec 04 05:17 2024", "2024-12-04T05:17:00+00:00")]
    [InlineData("From 1234@xxx Mon Jan 01 00:00:00 +0100 2024", "2024-01-01T00:00:00+01:00")]
    [InlineData("From MAILER-DAEMON Thu Apr 18 12:34:56 2024 -0700", "2024-04-18T12:34:56-07:00")]
    public void From_line_dates_are_read_in_their_common_forms(string line, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MboxFromLine.TryParseDate(line));

    [Theory]
    [InlineData("From alice@a.test")]
    [InlineData("From alice@a.test Wed Feb 30 05:17:37 2024")]
    [InlineData("From alice@a.test Wed Dec  4 25:17:37 2024")]
    [InlineData("From ")]
    [InlineData("From alice@a.test Fri Dec 31 23:59:59 9999 -1400")] // in UTC the year 10000
    [InlineData("From alice@a.test Mon Jan  1 00:00:00 0001 +0100")] // in UTC the year 0
    public void From_lines_without_a_valid_date_give_none(string line) => Assert.Null(MboxFromLine.TryParseDate(line));

    [Fact]
    public void From_lines_are_written_in_asctime_form_in_UTC_and_read_back()
    {
        var date = new DateTimeOffset(2026, 3, 7, 23, 4, 5, TimeSpan.FromHours(-5));
        string line = MboxFromLine.Format("bounce@a.test", date);
        Assert.Equal("From bounce@a.test Sun Mar  8 04:04:05 2026", line);
        Assert.Equal(date, MboxFromLine.TryParseDate(line));
        Assert.StartsWith("From MAILER-DAEMON ", MboxFromLine.Format("", date), StringComparison.Ordinal);
    }

    [Fact]
    public void State_fields_become_flags_and_keywords_and_leave_the_message()
    {
        byte[] raw = Encoding.ASCII.GetBytes("Subject: x\r\nStatus: RO\r\nX-Status: AFTD\r\nX-Keywords: $Work, Later\r\nX-UID: 7\r\nContent-Length: 27\r\nTo: b@b.test\r\n\r\nStatus: in the body stays\r\n");
        var (clean, flags, keywords) = MboxStatusHeaders.Extract(raw);
        Assert.Equal("Subject: x\r\nTo: b@b.test\r\n\r\nStatus: in the body stays\r\n", Encoding.ASCII.GetString(clean));
        Assert.Equal(MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Draft | MessageFlags.Deleted, flags);
        Assert.Equal(["$Work", "Later"], keywords);
    }

    [Fact]
    public void A_message_without_state_fields_is_returned_as_it_is()
    {
        byte[] raw = Encoding.ASCII.GetBytes("Subject: x\r\nStatus-Report: no\r\n\r\nbody\r\n");
        var (clean, flags, keywords) = MboxStatusHeaders.Extract(raw);
        Assert.Same(raw, clean);
        Assert.Equal(MessageFlags.None, flags);
        Assert.Empty(keywords);
    }

    [Fact]
    public void Written_state_fields_read_back_as_the_same_flags()
    {
        var flags = MessageFlags.Answered | MessageFlags.Draft;
        string fields = MboxStatusHeaders.Format(flags, ["Todo"]);
        Assert.Equal("Status: O\nX-Status: AT\nX-Keywords: Todo\n", fields);
        var (_, read, keywords) = MboxStatusHeaders.Extract(Encoding.ASCII.GetBytes("Subject: x\r\n" + fields.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"));
        Assert.Equal((flags, "Todo"), (read, Assert.Single(keywords)));
    }

    [Theory]
    [InlineData("1700000000.M1P2.host:2,FRS", MessageFlags.Flagged | MessageFlags.Answered | MessageFlags.Seen, "")]
    [InlineData("1700000000.M1P2.host,S=1234:2,DTab", MessageFlags.Draft | MessageFlags.Deleted, "ab")]
    [InlineData("1700000000.M1P2.host!2,S", MessageFlags.Seen, "")]
    [InlineData("1700000000.M1P2.host", MessageFlags.None, "")]
    [InlineData("1700000000.M1P2.host:2,P", MessageFlags.None, "")]
    public void Maildir_info_letters_are_flags_and_keyword_letters(string name, MessageFlags flags, string letters) =>
        Assert.Equal((flags, letters), MaildirFileName.ParseInfo(name));

    [Fact]
    public void Maildir_names_carry_the_flags_in_ascii_order_and_read_back()
    {
        var all = MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;
        string name = MaildirFileName.Format(DateTimeOffset.FromUnixTimeSeconds(1700000000), 9, 42, "mx/1:2", 77, all, "ac");
        Assert.Equal("1700000000.cloudmail-9-42.mx\\0571\\0722,S=77:2,DFRSTac", name);
        Assert.Equal((all, "ac"), MaildirFileName.ParseInfo(name));
    }

    [Theory]
    [InlineData("Archive/2024", ".Archive.2024", "Archive/2024.mbox")]
    [InlineData("Ünïcode", ".&ANw-n&AO8-code", "Ünïcode.mbox")]
    [InlineData("v1.2/..", ".v1\\2e2.\\2e\\2e", "v1.2/\\2e..mbox")]
    [InlineData("a\\b", ".a\\5cb", "a\\5cb.mbox")]
    public void Mailbox_names_map_to_folders_and_files_and_back(string mailbox, string maildir, string file)
    {
        Assert.Equal(maildir, MailFolderNames.ToMaildirFolder(mailbox));
        Assert.Equal(mailbox, MailFolderNames.FromMaildirFolder(maildir));
        Assert.Equal(file, MailFolderNames.ToFilePath(mailbox));
        Assert.Equal(mailbox, MailFolderNames.FromFilePath(file));
    }

    [Fact]
    public void Dovecot_keyword_files_map_letters_to_keywords()
    {
        string folder = Directory.CreateTempSubdirectory("cm-kw").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, DovecotKeywords.FileName), DovecotKeywords.Format(["$Work", "Later"]) + "30 TooFar\nbad line\n");
            var map = DovecotKeywords.Read(folder);
            Assert.Equal(2, map.Count);
            Assert.Equal(("$Work", "Later"), (map['a'], map['b']));
            Assert.Empty(DovecotKeywords.Read(Path.Combine(folder, "none")));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
