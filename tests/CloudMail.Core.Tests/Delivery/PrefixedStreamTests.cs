using System.Text;
using CloudMail.Core.Delivery;

namespace CloudMail.Core.Tests.Delivery;

public sealed class PrefixedStreamTests
{
    [Fact]
    public async Task Reads_the_prefix_then_the_rest_in_small_reads_and_disposes_the_rest()
    {
        var rest = new MemoryStream(Encoding.ASCII.GetBytes("From: a@b\r\n\r\nbody\r\n"));
        var stream = new PrefixedStream(Encoding.ASCII.GetBytes("DKIM-Signature: x\r\n"), rest);
        var read = new MemoryStream();
        byte[] buffer = new byte[3];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) read.Write(buffer, 0, n);

        Assert.Equal("DKIM-Signature: x\r\nFrom: a@b\r\n\r\nbody\r\n", Encoding.ASCII.GetString(read.ToArray()));
        Assert.Equal(read.Length, stream.Position);
        Assert.Equal(read.Length, stream.Length);
        await stream.DisposeAsync();
        Assert.False(rest.CanRead);
    }
}
