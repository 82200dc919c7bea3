namespace CloudMail.Protocols.Imap.Parsing;

/// <summary>Caps that keep one connection's memory bounded.</summary>
/// <param name="MaxCommandLength">Most bytes of one command: all its lines plus its buffered literals.</param>
/// <param name="MaxLiteralSize">Largest APPEND message literal (it is streamed, not buffered).</param>
public sealed record ImapReaderLimits(int MaxCommandLength, long MaxLiteralSize)
{
    public static readonly ImapReaderLimits Default = new(64 * 1024, 36_700_160);
}
