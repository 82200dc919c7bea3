using CloudMail.Core.Logging;

namespace CloudMail.Core.Tests.Logging;

public class ClientTextTests
{
    [Theory]
    [InlineData("a\r\nb", @"a\r\nb")]
    [InlineData("tab\there", @"tab\there")]
    [InlineData("nul\0esc\u001b[2Jdel\u007f", @"nul\x00esc\x1B[2Jdel\x7F")]
    [InlineData("nel\u0085c1\u009b", @"nel\x85c1\x9B")]
    [InlineData("ls\u2028ps\u2029", @"ls\u2028ps\u2029")]
    [InlineData("rlo\u202Ezw\u200Bbom\uFEFF", @"rlo\u202Ezw\u200Bbom\uFEFF")]
    [InlineData(@"typed\r", @"typed\\r")]
    public void Controls_line_breaks_format_characters_and_backslashes_are_escaped(string value, string logged) =>
        Assert.Equal(logged, ClientText.Escape(value));

    [Fact]
    public void Unpaired_surrogates_are_escaped() => // a Fact: theory data would not carry them intact
        Assert.Equal(@"lone\uD800x\uDC00", ClientText.Escape("lone\uD800x\uDC00"));

    [Theory]
    [InlineData("user@example.test")]
    [InlineData("Grüße/日本/😀")]
    [InlineData("")]
    public void Ordinary_text_is_returned_unchanged(string value) => Assert.Same(value, ClientText.Escape(value));

    [Fact]
    public void Long_values_are_cut_and_counted_never_inside_a_surrogate_pair()
    {
        Assert.Equal("aaa...(+2 chars)", ClientText.Escape("aaaaa", 3));
        Assert.Equal("a...(+2 chars)", ClientText.Escape("a😀", 2));
        Assert.Equal(@"\r\n...(+1 chars)", ClientText.Escape("\r\n\r", 2));
        Assert.Equal(new string('x', ClientText.MaxLength) + "...(+744 chars)", ClientText.Escape(new string('x', 1000)));
    }

    [Fact]
    public void Null_renders_as_the_logging_framework_writes_it_and_strings_convert_implicitly()
    {
        Assert.Equal("(null)", ClientText.Escape(null));
        ClientText text = "x\ny";
        Assert.Equal(@"x\ny", text.ToString());
        Assert.Equal("(null)", default(ClientText).ToString());
    }
}
