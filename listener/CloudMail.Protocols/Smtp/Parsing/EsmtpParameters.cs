namespace CloudMail.Protocols.Smtp.Parsing;

/// <summary>One esmtp-param: keyword (upper-cased) and optional value.</summary>
public readonly record struct EsmtpParameter(string Keyword, string? Value);

/// <summary>
/// Mail-parameters / Rcpt-parameters = esmtp-param *(SP esmtp-param); esmtp-param = esmtp-keyword ["=" esmtp-value]
/// (RFC 5321 §4.1.2). Keywords are case-insensitive (§2.4). Capped at <see cref="MaxParameters"/>.
/// </summary>
public static class EsmtpParameters
{
    /// <summary>More parameters than any extension set we offer could need; a longer list is a syntax error.</summary>
    public const int MaxParameters = 16;

    /// <summary>
    /// Parses the text after a path: empty, or SP-separated parameters. Deliberate leniency: runs of spaces
    /// between parameters are accepted. Returns false on a syntax error or a repeated keyword.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> s, out List<EsmtpParameter> parameters)
    {
        parameters = [];
        if (s.IsEmpty) return true;
        if (s[0] != ' ') return false;
        foreach (var range in s.Split(' '))
        {
            var item = s[range];
            if (item.IsEmpty) continue;
            if (parameters.Count == MaxParameters) return false;
            int eq = item.IndexOf('=');
            var keyword = eq < 0 ? item : item[..eq];
            if (!SmtpGrammar.IsEsmtpKeyword(keyword)) return false;
            string? value = null;
            if (eq >= 0)
            {
                var v = item[(eq + 1)..];
                if (!SmtpGrammar.IsEsmtpValue(v)) return false;
                value = v.ToString();
            }
            string key = keyword.ToString().ToUpperInvariant();
            foreach (var p in parameters)
            {
                if (p.Keyword == key) return false;
            }
            parameters.Add(new EsmtpParameter(key, value));
        }
        return true;
    }
}
