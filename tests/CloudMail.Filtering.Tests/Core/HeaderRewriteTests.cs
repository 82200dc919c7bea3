using System.Text;
using CloudMail.Core.Filtering;

namespace CloudMail.Filtering.Tests.Core;

/// <summary>Core's copy of a stored message with fields added on top and some removed (used by MessageIntake).</summary>
public class HeaderRewriteTests
{
    private static async Task<string> Rewrite(string message, string add, Func<string, bool>? remove, bool byteByByte = false)
    {
        var output = new MemoryStream();
        Stream input = new MemoryStream(Encoding.UTF8.GetBytes(message));
        await HeaderRewrite.CopyAsync(byteByByte ? new OneByteReads(input) : input,
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fields_longer_than_the_buffer_are_removed_or_kept_whole_however_the_stream_reads(bool byteByByte)
    {
        string huge = new('x', HeaderRewrite.BufferSize * 2 + 17);
        string message = $"X-Drop: {huge}\r\n {huge}\r\nX-Keep: {huge}\r\nSubject: s\r\n\r\n{huge}\r\nend\r\n";
        string result = await Rewrite(message, "", f => f.StartsWith("X-Drop:", StringComparison.Ordinal), byteByByte);
        Assert.Equal($"X-Keep: {huge}\r\nSubject: s\r\n\r\n{huge}\r\nend\r\n", result);
    }

    [Fact]
    public async Task One_byte_reads_give_the_same_copy()
    {
        string message = "Received: from a\r\n\tby b\r\nX-Drop: one\r\n  folded\r\nSubject: hi\n\r\nbody\nmore\r\n";
        Func<string, bool> drop = f => f.StartsWith("X-Drop:", StringComparison.Ordinal);
        Assert.Equal(await Rewrite(message, "A: 1\r\n", drop), await Rewrite(message, "A: 1\r\n", drop, byteByByte: true));
        Assert.Equal("A: 1\r\nReceived: from a\r\n\tby b\r\nSubject: hi\n\r\nbody\nmore\r\n", await Rewrite(message, "A: 1\r\n", drop, byteByByte: true));
    }

    /// <summary>A stream that hands out one byte per read, as a slow network or a chunked blob read may.</summary>
    private sealed class OneByteReads(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
