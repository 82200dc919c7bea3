namespace CloudMail.Core.Routing;

/// <summary>
/// Section <c>CloudMail:Routing</c> (Functions app settings <c>CloudMail__Routing__…</c>): how a recipient address is
/// resolved (plus-addressing) and how forwarded mail's envelope sender is rewritten (SRS), in both hosts; bound and
/// validated at start.
/// </summary>
public sealed class RoutingOptions
{
    public const string Section = "CloudMail:Routing";

    /// <summary>
    /// Separator of plus-addressing: <c>user+tag@domain</c> delivers to <c>user@domain</c> (the envelope keeps the tag)
    /// when no account or alias is named <c>user+tag@domain</c> itself. The local part is cut at the separator's first
    /// occurrence. Empty turns plus-addressing off.
    /// </summary>
    public string PlusSeparator { get; set; } = "+";

    /// <summary>
    /// Secret of the SRS hashes (sender rewriting of forwarded mail). Empty: the embedded host generates one once and
    /// keeps it in the data folder (<c>srs-secret</c>, mode 0600); the Functions host then forwards without rewriting and
    /// refuses SRS bounce addresses, so set it there (every instance of a deployment needs the same value).
    /// </summary>
    public string SrsSecret { get; set; } = "";

    /// <summary>
    /// How long an SRS address this server made stays valid for bounces coming back (whole days count; at most 1023).
    /// </summary>
    public TimeSpan SrsMaxAge { get; set; } = TimeSpan.FromDays(21);

    /// <summary>
    /// Where mail to <c>postmaster@</c> a local domain goes when the domain has no account, alias or catch-all for it:
    /// every domain must accept it (RFC 5321 §4.5.1), and DMARC and TLS reports are sent there. An address (an account,
    /// an alias or a remote address). Empty: the domain's oldest account, else the server's oldest account.
    /// </summary>
    public string Postmaster { get; set; } = "";

    /// <summary>Shortest <see cref="SrsSecret"/> accepted when one is set.</summary>
    public const int MinSrsSecretLength = 16;

    /// <summary>Problems with the values, empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (PlusSeparator.Length > 4 || PlusSeparator.Any(c => c is '@' or '"' or '\\' or '<' or '>' || char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return $"{Section}:PlusSeparator must be at most 4 characters that can appear in a local part (no @, quotes, brackets or spaces)";
        // In Azure the value is an app setting referencing Key Vault; when the secret is missing the platform passes the
        // reference text itself, which anybody could read in infra/ and forge SRS addresses with.
        if (SrsSecret.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
            yield return $"{Section}:SrsSecret is an unresolved Key Vault reference: create the Key Vault secret it names (see infra/README.md)";
        if (SrsSecret.Length is > 0 and < MinSrsSecretLength)
            yield return $"{Section}:SrsSecret must be at least {MinSrsSecretLength} characters (or empty)";
        if (Postmaster.Length > 0 && (Postmaster.IndexOf('@') is <= 0 || Postmaster.EndsWith('@') || Postmaster.Any(c => char.IsWhiteSpace(c) || c is '<' or '>')))
            yield return $"{Section}:Postmaster must be an address (local@domain), not '{Postmaster}'";
        if (SrsMaxAge < TimeSpan.FromDays(1) || SrsMaxAge >= TimeSpan.FromDays(SrsTimestamp.Slots))
            yield return $"{Section}:SrsMaxAge must be between 1 and {SrsTimestamp.Slots - 1} days";
    }
}
