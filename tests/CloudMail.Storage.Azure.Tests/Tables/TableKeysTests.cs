using CloudMail.Storage.Azure.Tables;

namespace CloudMail.Storage.Azure.Tests.Tables;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("plain@example.org")]
    [InlineData("")]
    [InlineData("Projects/2024")]
    [InlineData("a\\b#c?d%e:f")]
    [InlineData("tab\there\u0001\u007f\u0085")]
    [InlineData("Entwürfe/日本語")]
    public void Escape_round_trips(string value) => Assert.Equal(value, TableKeys.Unescape(TableKeys.Escape(value)));

    [Fact]
    public void Escaped_keys_contain_none_of_the_characters_Table_keys_forbid()
    {
        string all = string.Concat(Enumerable.Range(0, 0xA0).Select(i => (char)i));

        string escaped = TableKeys.Escape(all);

        Assert.DoesNotContain(escaped, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }

    [Fact]
    public void Separator_and_escape_characters_are_escaped_so_composite_keys_stay_unambiguous()
    {
        Assert.Equal("a%3Ab%25", TableKeys.Escape("a:b%"));
        Assert.NotEqual(TableKeys.Escape("a:b") + ":" + TableKeys.Escape("c"), TableKeys.Escape("a") + ":" + TableKeys.Escape("b:c"));
    }

    [Fact]
    public void Escaping_is_per_character_so_prefixes_stay_prefixes()
    {
        string parent = TableKeys.Escape("Archive/2024" + "/");

        Assert.StartsWith(parent, TableKeys.Escape("Archive/2024/March#1"), StringComparison.Ordinal);
        Assert.False(TableKeys.Escape("Archive/20245").StartsWith(parent, StringComparison.Ordinal));
    }

    [Fact]
    public void Upper_bound_is_above_every_key_with_the_prefix_and_below_the_next_prefix()
    {
        string upper = TableKeys.UpperBound("box:a%2F");

        Assert.True(string.CompareOrdinal("box:a%2F\uffff\uffff", upper) < 0);
        Assert.True(string.CompareOrdinal("box:a%2G", upper) >= 0);
        Assert.True(string.CompareOrdinal("box:a%2F", upper) < 0);
    }

    [Fact]
    public void Malformed_escape_throws_FormatException()
    {
        Assert.Throws<FormatException>(() => TableKeys.Unescape("a%4"));
        Assert.Throws<FormatException>(() => TableKeys.Unescape("a%zz"));
    }
}
