using System.Text;
using CloudMail.SendApi.Tests.Fakes;

namespace CloudMail.SendApi.Tests;

/// <summary>The in-flight byte caps (429 per key, 503 in total) and the streaming of raw bodies, at the handler.</summary>
public sealed class SendApiInFlightTests
{
    private const string Mime = "From: app@example.test\r\nTo: bob@example.test\r\nSubject: s\r\n\r\n";
    private readonly SendApiHarness _api = new();

    public SendApiInFlightTests()
    {
        _api.Options.MaxRequestSize = 64 * 1024;
        _api.Options.MaxMessageSize = 64 * 1024;
        _api.Options.MaxInFlightBytesPerKey = 100 * 1024;
        _api.Options.MaxInFlightBytes = 150 * 1024;
    }

    private static ApiProblem ProblemOf(SendApiResult result, int status)
    {
        var problem = Assert.IsType<SendApiResult.Problem>(result).Details;
        Assert.Equal(status, problem.Status);
        return problem;
    }

    private static byte[] RawMessage(int size) => Encoding.ASCII.GetBytes(Mime + new string('x', size - Mime.Length - 2) + "\r\n");

    [Fact]
    public async Task A_declared_length_over_what_the_key_has_left_is_429_with_retry_after_before_the_body_is_read()
    {
        using var held = _api.InFlight.Open(_api.Key.Info.KeyId);
        Assert.Null(held.Reserve(60 * 1024));
        var body = new MemoryStream(RawMessage(50 * 1024));

        var problem = ProblemOf(await _api.Handler.SubmitRawAsync(_api.Call(contentLength: body.Length), body, CancellationToken.None), 429);

        Assert.Equal(TimeSpan.FromSeconds(5), problem.RetryAfter);
        Assert.Equal(0, body.Position);
        Assert.Contains(SendApiHttp.ResponseHeaders(problem), h => h is { Key: "Retry-After", Value: "5" });
    }

    [Fact]
    public async Task Too_many_bytes_in_flight_for_all_keys_is_503_with_retry_after()
    {
        using var a = _api.InFlight.Open("other-key-1");
        using var b = _api.InFlight.Open("other-key-2");
        Assert.Null(a.Reserve(60 * 1024));
        Assert.Null(b.Reserve(60 * 1024));
        var body = new MemoryStream(RawMessage(40 * 1024));

        var problem = ProblemOf(await _api.Handler.SubmitRawAsync(_api.Call(contentLength: body.Length), body, CancellationToken.None), 503);

        Assert.Equal("urn:cloudmail:problem:busy", problem.Type);
        Assert.NotNull(problem.RetryAfter);
    }

    [Fact]
    public async Task A_chunked_body_is_counted_as_it_arrives_and_refused_once_the_key_is_over()
    {
        using var held = _api.InFlight.Open(_api.Key.Info.KeyId);
        Assert.Null(held.Reserve(60 * 1024));

        var result = await _api.Handler.SubmitRawAsync(_api.Call(contentLength: null), new MemoryStream(RawMessage(50 * 1024)), CancellationToken.None);

        ProblemOf(result, 429);
        Assert.Empty(_api.Blobs.Blobs);
    }

    [Fact]
    public async Task Bytes_in_flight_are_given_back_when_a_request_ends_whatever_its_outcome()
    {
        Assert.IsType<SendApiResult.Accepted>(await _api.Handler.SubmitRawAsync(_api.Call(contentLength: 60 * 1024), new MemoryStream(RawMessage(60 * 1024)), CancellationToken.None));
        ProblemOf(await _api.Handler.SubmitRawAsync(_api.Call(contentLength: 10), new MemoryStream("not a message"u8.ToArray()), CancellationToken.None), 400);
        ProblemOf(await _api.Handler.SubmitJsonAsync(_api.Call(contentLength: 10), new MemoryStream("{"u8.ToArray()), CancellationToken.None), 400);
        Assert.Equal(0, _api.InFlight.Total);
        Assert.Equal(0, _api.InFlight.OfKey(_api.Key.Info.KeyId));
    }

    [Fact]
    public async Task A_raw_body_reaches_the_blob_store_before_the_request_has_been_read_to_the_end()
    {
        _api.Options.MaxRequestSize = _api.Options.MaxMessageSize = 4 * 1024 * 1024;
        _api.Options.MaxInFlightBytesPerKey = _api.Options.MaxInFlightBytes = 8 * 1024 * 1024;
        byte[] message = RawMessage(2 * 1024 * 1024);
        int half = message.Length / 2;
        var body = new GatedStream(message, half, _api.Blobs.FirstWrite.Task);

        var result = await _api.Handler.SubmitRawAsync(_api.Call(contentLength: message.Length), body, CancellationToken.None);

        Assert.IsType<SendApiResult.Accepted>(result);
        Assert.True(body.GateWasOpen, "nothing reached the blob store until the whole body had been read (buffered, not streamed)");
        byte[] stored = Assert.Single(_api.Blobs.Blobs).Value;
        Assert.True(stored.AsSpan().EndsWith(message.AsSpan(Mime.Length)), "the body was stored whole");
    }

    /// <summary>
    /// Serves <c>bytes</c>, but after the first <c>gateAt</c> bytes waits (up to 30 s, only reached when it fails) for <c>gate</c>: a handler that
    /// buffers the whole body before storing anything cannot open it, one that streams does.
    /// </summary>
    private sealed class GatedStream(byte[] bytes, int gateAt, Task gate) : Stream
    {
        private int _position;

        public bool GateWasOpen { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == gateAt)
            {
                await Task.WhenAny(gate, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
                GateWasOpen = gate.IsCompleted;
            }
            int end = _position < gateAt ? gateAt : bytes.Length;
            int count = Math.Min(buffer.Length, end - _position);
            bytes.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
