using System.Text;

namespace CloudMail.Filtering.Tests;

/// <summary>The message of one filter-chain run is parsed once and shared; another run parses its own.</summary>
public sealed class ParsedMessagesTests
{
    private const string Message = "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: once\r\n\r\nBody line.\r\n";

    [Fact]
    public async Task The_same_run_is_opened_and_parsed_once_and_its_body_stays_readable()
    {
        int opened = 0;
        Func<CancellationToken, Task<Stream>> open = _ => { opened++; return Task.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes(Message))); };

        var first = await ParsedMessages.ParseAsync(open, CancellationToken.None);
        var second = await ParsedMessages.ParseAsync(open, CancellationToken.None);

        Assert.Equal(1, opened);
        Assert.Same(first.Message, second.Message);
        Assert.Equal("once", second.Message!.Subject);
        Assert.StartsWith("Body line.", second.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_run_parses_its_own_message()
    {
        Func<CancellationToken, Task<Stream>> one = _ => Task.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes(Message)));
        Func<CancellationToken, Task<Stream>> two = _ => Task.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes(Message.Replace("once", "twice", StringComparison.Ordinal))));

        Assert.Equal("once", (await ParsedMessages.ParseAsync(one, CancellationToken.None)).Message!.Subject);
        Assert.Equal("twice", (await ParsedMessages.ParseAsync(two, CancellationToken.None)).Message!.Subject);
    }

    [Fact]
    public async Task A_stream_that_fails_is_not_kept_and_the_next_call_tries_again()
    {
        int opened = 0;
        Func<CancellationToken, Task<Stream>> open = _ => ++opened == 1
            ? Task.FromException<Stream>(new IOException("blob store unavailable"))
            : Task.FromResult<Stream>(new MemoryStream(Encoding.ASCII.GetBytes(Message)));

        await Assert.ThrowsAsync<IOException>(() => ParsedMessages.ParseAsync(open, CancellationToken.None));
        Assert.Equal("once", (await ParsedMessages.ParseAsync(open, CancellationToken.None)).Message!.Subject);
        Assert.Equal(2, opened);
    }
}
