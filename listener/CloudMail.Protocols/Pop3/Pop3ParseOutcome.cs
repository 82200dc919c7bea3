namespace CloudMail.Protocols.Pop3;

/// <summary>
/// What a POP3 parser made of the input so far: a complete value, a need for more bytes, or a rejection
/// with the exact reply to send. Parsers never throw for client input.
/// </summary>
public abstract record Pop3ParseOutcome<T>
{
    private Pop3ParseOutcome()
    {
    }

    /// <summary>A complete, valid value; the bytes it used have been consumed.</summary>
    public sealed record Parsed(T Value) : Pop3ParseOutcome<T>;

    /// <summary>No complete line yet; nothing was consumed except bytes of an over-long line being discarded.</summary>
    public sealed record NeedMoreData : Pop3ParseOutcome<T>
    {
        public static readonly NeedMoreData Instance = new();
    }

    /// <summary>The line was consumed and is invalid; send <see cref="Reply"/> and go on (the connection survives).</summary>
    public sealed record Reject(string Reply) : Pop3ParseOutcome<T>;
}
