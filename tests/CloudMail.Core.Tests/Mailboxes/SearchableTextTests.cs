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

    [Fact]
    public void Address_fields_also_match_their_parsed_addresses_and_names()
    {
        var header = new Header("From", "\"Ann\" <ann (work) @ example.test>");
        Assert.Contains("ann@example.test", SearchableText.FieldLines(header));
        Assert.True(SearchableText.FieldContains(header, "ANN <ANN@EXAMPLE"));
        Assert.False(SearchableText.FieldContains(new Header("X-Note", "\"Ann\" <ann (work) @ example.test>"), "ann@example.test"));
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
