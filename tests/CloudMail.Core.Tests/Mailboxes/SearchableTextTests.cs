using CloudMail.Core.Mailboxes.Search;
using MimeKit;

namespace CloudMail.Core.Tests.Mailboxes;

public sealed class SearchableTextTests
{
    [Fact]
    public void Folding_then_comparing_ordinally_is_exactly_ignoring_case_ordinally_for_every_character()
    {
        // The index stores Fold(text) and looks for Fold(needle); the scan uses OrdinalIgnoreCase. They must agree for
        // every pair of UTF-16 code units, or the two paths would answer SEARCH differently.
        var byFold = new Dictionary<string, List<char>>();
        for (int c = 0; c <= char.MaxValue; c++)
        {
            if (char.IsSurrogate((char)c)) continue;
            string folded = SearchableText.Fold(((char)c).ToString());
            Assert.Equal(1, folded.Length);
            if (!byFold.TryGetValue(folded, out var chars)) byFold[folded] = chars = [];
            chars.Add((char)c);
        }
        foreach (var chars in byFold.Values.Where(c => c.Count > 1))
            foreach (char other in chars)
                Assert.True(string.Equals(chars[0].ToString(), other.ToString(), StringComparison.OrdinalIgnoreCase), $"U+{(int)other:X4}");
        Assert.False(string.Equals("ß", "SS", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("ß", SearchableText.Fold("ß"));
        Assert.True(SearchableText.Contains("Straße", "STRASSE") == SearchableText.Fold("Straße").Contains(SearchableText.Fold("STRASSE"), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hello\r\n\tworld", "hello world")] // folded with a tab: unfolding keeps the tab
    [InlineData("hello   world", "hello world")]
    [InlineData("hello\tworld", "hello world")]
    [InlineData("   lead  and trail   ", "lead and trail ")] // none in front, a trailing run as one space (as Dovecot)
    [InlineData("plain words", "plain words")]
    [InlineData("", "")]
    [InlineData(" \t ", "")]
    public void Header_values_are_matched_with_whitespace_runs_as_one_space(string value, string collapsed)
    {
        Assert.Equal(collapsed, SearchableText.Collapsed(value));
    }

    [Fact]
    public void A_folded_subject_or_display_name_is_found_by_the_words_with_one_space()
    {
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(
            "From: John\r\n  Smith <js@example.test>\r\nSubject: quarterly\r\n\treport\r\n\r\nbody\r\n")));
        Assert.True(SearchableText.FieldContains(message.Headers.First(h => h.Id == HeaderId.Subject), "QUARTERLY REPORT"));
        Assert.True(SearchableText.FieldContains(message.Headers.First(h => h.Id == HeaderId.From), "john smith <js@"));
        Assert.Equal("Subject: quarterly report", SearchableText.HeaderLine(message.Headers.First(h => h.Id == HeaderId.Subject)));
        // The search string is taken as given: two spaces find nothing a single space would not.
        Assert.False(SearchableText.FieldContains(message.Headers.First(h => h.Id == HeaderId.Subject), "quarterly  report"));
    }

    [Fact]
    public void Address_fields_also_match_their_parsed_addresses_and_names()
    {
        var header = new Header("From", "\"Ann\" <ann (work) @ example.test>");
        Assert.Contains("ann@example.test", SearchableText.FieldLines(header));
        Assert.True(SearchableText.FieldContains(header, "ANN <ANN@EXAMPLE"));
        Assert.False(SearchableText.FieldContains(new Header("X-Note", "\"Ann\" <ann (work) @ example.test>"), "ann@example.test"));
        // A mailbox without a name is also "<address>" (as Dovecot matches FROM "<").
        Assert.Contains("<bob@example.test>", SearchableText.FieldLines(new Header("To", "bob@example.test")));
    }

    [Fact]
    public void An_encapsulated_message_gives_its_text_to_the_body_and_its_fields_to_the_part_headers()
    {
        const string raw = "Subject: fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
            + "--o\r\nContent-Type: text/plain\r\n\r\nSee below.\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n"
            + "From: carol@elsewhere.test\r\nSubject: board minutes\r\n\r\nThe quarterly figures.\r\n--o--\r\n";
        var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(raw)));

        string body = SearchableText.BodyText(message);
        var headers = SearchableText.PartHeaderLines(message).ToList();

        Assert.Contains("The quarterly figures.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("board minutes", body, StringComparison.Ordinal);
        Assert.Contains("Subject: board minutes", headers);
        Assert.Contains("From: carol@elsewhere.test", headers);
        Assert.Contains("Content-Type: message/rfc822", headers);
        Assert.DoesNotContain(headers, h => h.StartsWith("Subject: fwd", StringComparison.Ordinal)); // the top level is not a part
    }

    [Fact]
    public void Html_parts_are_searched_as_the_text_a_reader_sees()
    {
        var message = new MimeMessage { Body = new TextPart("html") { Text = "<p>caf&eacute;</p><script>var x = 'hidden';</script><div>next</div>" } };
        string body = SearchableText.BodyText(message);
        Assert.Contains("café", body, StringComparison.Ordinal);
        Assert.Contains("café\nnext", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<p>", body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_over_its_body_limit_is_cut_and_marked()
    {
        var message = new MimeMessage { Subject = "Résumé", Body = new TextPart("plain") { Text = new string('x', 5000) } };
        SearchDocument document = SearchDocument.Of(message, 1000);
        Assert.True(document.Truncated);
        Assert.Equal(1000, document.Body.Length);
        Assert.Equal("RÉSUMÉ\n", document.Subject);
        Assert.False(SearchDocument.Of(message, 10_000).Truncated);
    }
}
