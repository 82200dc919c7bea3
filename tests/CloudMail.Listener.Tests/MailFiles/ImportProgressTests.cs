using CloudMail.Listener.MailFiles;

namespace CloudMail.Listener.Tests.MailFiles;

public sealed class ImportProgressTests
{
    [Fact]
    public void Without_a_terminal_a_plain_line_is_written_every_thousand_messages()
    {
        var output = new StringWriter();
        var progress = new ImportProgress(output, inPlace: false, totalBytes: 3_000_000);
        for (int i = 0; i < 2500; i++) progress.Message(1000);
        progress.Finish();
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("1000 messages read, 1.0 MB, ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2000 messages read, 2.0 MB, ", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain('\r', output.ToString());
    }

    [Fact]
    public void On_a_terminal_one_line_is_rewritten_in_place_with_rate_and_eta_and_cleared_for_problems()
    {
        var output = new StringWriter();
        var progress = new ImportProgress(output, inPlace: true, totalBytes: 4000);
        progress.Message(1000);
        progress.Interrupt();
        progress.Message(1000);
        progress.Finish();
        string text = output.ToString();
        Assert.StartsWith("\r\u001b[K1 messages  25%  ", text, StringComparison.Ordinal);
        Assert.Contains(" MB/s  ETA 00:00:0", text);
        Assert.Contains("\r\u001b[K2 messages  50%", text);
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
