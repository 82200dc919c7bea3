namespace CloudMail.Core.SendApi;

/// <summary>Reads a request body into memory with a hard cap (the JSON or MIME parser needs all of it).</summary>
internal static class BodyReader
{
    /// <summary>
    /// Reads the whole body, stopping as soon as it exceeds <paramref name="maxBytes"/>. A transport failure
    /// (broken chunked encoding, a data-rate timeout) is returned as <see cref="BodyRead.Problem"/> 400 rather than
    /// thrown, so it is never mistaken for a storage failure; the client going away is a cancellation and throws.
    /// </summary>
    public static async Task<BodyRead> ReadAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        try
        {
            while (true)
            {
                int read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                if (buffer.Length + read > maxBytes)
                    return new BodyRead(null, ApiProblem.TooLarge($"The request body is larger than {maxBytes} bytes."));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            return new BodyRead(null, ApiProblem.Malformed("The request body could not be read: " + e.Message));
        }
        return new BodyRead(new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), null);
    }
}

/// <summary>The body's bytes, or why there are none.</summary>
internal readonly record struct BodyRead(ReadOnlyMemory<byte>? Bytes, ApiProblem? Problem);
