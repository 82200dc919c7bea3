using System.Text;
using CloudMail.Core.Filtering;

namespace CloudMail.Filtering.Tests.Core;

/// <summary>Core's copy of a stored message with fields added on top and some removed (used by MessageIntake).</summary>
public class HeaderRewriteTests
{
    private static async Task<string> Rewrite(string message, string add, Func<string, bool>? remove)
    {
        var output = new MemoryStream();
        await HeaderRewrite.CopyAsync(new MemoryStream(Encoding.UTF8.GetBytes(message)),
            (data, ct) => output.WriteAsync(data, ct), add, remove, default);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public async Task Adds_on_top_and_removes_whole_folded_fields_from_the_header_only()
    {
        string message = "Received: from a\r\n\tby b\r\nX-Drop: one\r\n  folded\r\nSubject: hi\r\n\r\nX-Drop: in the body stays\r\n";
        string result = await Rewrite(message, "X-New: 1\r\n", f => f.StartsWith("X-Drop:", StringComparison.Ordinal));
        Assert.Equal("X-New: 1\r\nReceived: from a\r\n\tby b\r\nSubject: hi\r\n\r\nX-Drop: in the body stays\r\n", result);
    }

    [Fact]
    public async Task Copies_unchanged_without_a_removal_rule_and_keeps_bare_lf()
    {
        string message = "A: 1\nB: 2\n\nbody\n";
        Assert.Equal("Z: 0\r\n" + message, await Rewrite(message, "Z: 0\r\n", null));
        Assert.Equal("A: 1\n\nbody\n", await Rewrite(message, "", f => f.StartsWith('B')));
    }

    [Fact]
    public async Task A_message_without_a_body_loses_its_last_field_when_asked()
    {
        Assert.Equal("A: 1\r\n", await Rewrite("A: 1\r\nB: 2\r\n", "", f => f.StartsWith('B')));
    }
}
