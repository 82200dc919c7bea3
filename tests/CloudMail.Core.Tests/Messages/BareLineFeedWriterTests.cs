using CloudMail.Core.Blobs;
using CloudMail.Core.Messages;
using CsCheck;

namespace CloudMail.Core.Tests.Messages;

public class BareLineFeedWriterTests
{
    /// <summary>Collects what is written, as the blob would hold it.</summary>
    private sealed class CollectingWriter : IBlobWriter
    {
        public MemoryStream Bytes { get; } = new();
        public long BytesWritten => Bytes.Length;
        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) { Bytes.Write(data.Span); return ValueTask.CompletedTask; }
        public Task<BlobRef> CommitAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The whole input at once, byte by byte: a CR before every LF that has none.</summary>
    private static byte[] Expected(byte[] input)
    {
        var output = new List<byte>();
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'\n' && (i == 0 || input[i - 1] != (byte)'\r')) output.Add((byte)'\r');
            output.Add(input[i]);
        }
        return [.. output];
    }

    private static async Task<byte[]> WriteInChunksAsync(byte[] input, IEnumerable<int> cuts)
    {
        var writer = new CollectingWriter();
        bool afterCr = false;
        int start = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < input.Length).Distinct().Order().Append(input.Length))
        {
            afterCr = await BareLineFeedWriter.WriteAsync(writer, input.AsMemory(start, cut - start), afterCr, CancellationToken.None);
            start = cut;
        }
        return writer.Bytes.ToArray();
    }

    [Theory]
    [InlineData("a\nb", "a\r\nb")]
    [InlineData("\n", "\r\n")]
    [InlineData("a\r\nb\r\n", "a\r\nb\r\n")]
    [InlineData("a\rb\n\n", "a\rb\r\n\r\n")]
    [InlineData("no line end", "no line end")]
    public async Task Every_bare_lf_gets_a_cr_and_nothing_else_changes(string input, string expected)
    {
        byte[] written = await WriteInChunksAsync(System.Text.Encoding.ASCII.GetBytes(input), []);
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(written));
    }

    [Fact]
    public async Task A_crlf_split_between_chunks_stays_one_crlf()
    {
        byte[] written = await WriteInChunksAsync("x\r\ny"u8.ToArray(), [2]);
        Assert.Equal("x\r\ny"u8.ToArray(), written);
    }

    [Fact]
    public void Any_chunking_of_any_bytes_writes_what_the_whole_input_would()
    {
        var bytes = Gen.Int[0, 3].Select(i => "\r\na "u8[i]).Array[0, 40];
        Gen.Select(bytes, Gen.Int[0, 40].Array[0, 6]).Sample((input, cuts) =>
            Assert.Equal(Expected(input), WriteInChunksAsync(input, cuts).GetAwaiter().GetResult()));
    }
}
