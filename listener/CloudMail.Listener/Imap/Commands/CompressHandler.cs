using CloudMail.Listener.Imap.Session;
using CloudMail.Protocols.Imap;
using CloudMail.Protocols.Imap.Commands;

namespace CloudMail.Listener.Imap.Commands;

/// <summary>
/// COMPRESS DEFLATE (RFC 4978 §3): the tagged OK goes out uncompressed, then both directions are raw DEFLATE
/// (<see cref="Network.ClientConnection.StartCompression"/>), every response flushed whole. A second COMPRESS
/// answers NO [COMPRESSIONACTIVE]; another mechanism is BAD (an invalid argument).
/// </summary>
internal static class CompressHandler
{
    public const string Deflate = "DEFLATE";

    public static async Task<ImapCompletion> HandleAsync(ImapSession s, CompressCommand command, CancellationToken ct)
    {
        if (s.Connection.IsCompressed) return ImapCompletion.No(ImapResponseCodes.CompressionActive, "DEFLATE is already active");
        if (command.Mechanism != Deflate) return ImapCompletion.Bad("Unknown compression mechanism " + command.Mechanism);
        s.W.Tagged(command.Tag, ImapStatus.Ok, null, "DEFLATE active");
        await s.Out.FlushAsync(ct).ConfigureAwait(false);
        s.Connection.StartCompression(); // RFC 4978 §3: compression starts right after the CRLF of the tagged OK
        return ImapCompletion.AlreadySent;
    }
}
