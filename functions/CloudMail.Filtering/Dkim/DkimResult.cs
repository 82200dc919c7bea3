namespace CloudMail.Filtering.Dkim;

/// <summary>One DKIM-Signature field's verification (RFC 6376 §6; result names of RFC 8601 §2.7.1).</summary>
/// <param name="Result"><c>pass</c>, <c>fail</c>, <c>neutral</c>, <c>temperror</c> or <c>permerror</c>.</param>
/// <param name="Domain">The signing domain (d=), empty when the field had none.</param>
/// <param name="Selector">The selector (s=).</param>
/// <param name="BodyLengthLimited">The signature covers only part of the body (l=, RFC 6376 §8.2): content may have been appended.</param>
/// <param name="Reason">Why, for fail and the errors.</param>
public sealed record DkimResult(string Result, string Domain, string Selector, bool BodyLengthLimited, string Reason)
{
    public bool Passed => Result == "pass";
}
