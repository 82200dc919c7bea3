namespace CloudMail.Filtering.Antivirus;

/// <summary>clamd's answer to one scan.</summary>
public abstract record ClamdVerdict
{
    private ClamdVerdict()
    {
    }

    /// <summary>No signature matched.</summary>
    public sealed record Clean : ClamdVerdict;

    /// <summary>A signature matched: its name, e.g. <c>Eicar-Test-Signature</c>.</summary>
    public sealed record Infected(string Signature) : ClamdVerdict;

    /// <summary>clamd could not scan (size limit, bad request, internal error), or the reply made no sense.</summary>
    public sealed record Failed(string Reason) : ClamdVerdict;

    /// <summary>
    /// Reads clamd's INSTREAM reply (clamd(8): <c>stream: OK</c>, <c>stream: NAME FOUND</c>, <c>... ERROR</c>, NUL or LF
    /// terminated). Pure; never throws.
    /// </summary>
    public static ClamdVerdict Parse(string reply)
    {
        string text = reply.TrimEnd('\0', '\n', '\r', ' ');
        if (text.EndsWith(" ERROR", StringComparison.Ordinal)) return new Failed(text);
        int colon = text.IndexOf(": ", StringComparison.Ordinal);
        string result = colon >= 0 ? text[(colon + 2)..] : text;
        if (result == "OK") return new Clean();
        if (result.EndsWith(" FOUND", StringComparison.Ordinal) && result.Length > " FOUND".Length)
            return new Infected(result[..^" FOUND".Length]);
        return new Failed(text.Length == 0 ? "empty reply" : text);
    }

    /// <summary>
    /// Reads a reply inside an IDSESSION (clamd(8)): the reply to the session's request number
    /// <paramref name="expectedId"/>, prefixed <c>N: </c>, as in <c>1: stream: OK</c>. A reply without the prefix (clamd
    /// answering outside the session, e.g. an error before it closes) is read as it stands; a reply to another request
    /// is a <see cref="Failed"/>. Pure; never throws.
    /// </summary>
    public static ClamdVerdict ParseSessionReply(string reply, int expectedId)
    {
        int colon = reply.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0 || colon > 10 || reply.AsSpan(0, colon).ContainsAnyExceptInRange('0', '9')) return Parse(reply);
        if (!int.TryParse(reply.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id) || id != expectedId)
            return new Failed($"reply to request {reply[..colon]} where {expectedId} was expected");
        return Parse(reply[(colon + 2)..]);
    }
}
