namespace CloudMail.Filtering.Spf;

/// <summary>The results of check_host() (RFC 7208 §2.6), named as they appear in Authentication-Results.</summary>
public enum SpfResult
{
    None,
    Neutral,
    Pass,
    Fail,
    SoftFail,
    TempError,
    PermError,
}

/// <summary>One SPF evaluation: the result, the domain checked, and why (the explanation of a fail, or the error).</summary>
/// <param name="Explanation">For <see cref="SpfResult.Fail"/>: the expanded <c>exp=</c> text when the domain gave one.</param>
public sealed record SpfOutcome(SpfResult Result, string Domain, string Reason, string? Explanation = null)
{
    /// <summary>The result keyword of RFC 7208 §9.1 / RFC 8601 (<c>pass</c>, <c>softfail</c>, ...).</summary>
    public string Keyword => Result.ToString().ToLowerInvariant();
}
