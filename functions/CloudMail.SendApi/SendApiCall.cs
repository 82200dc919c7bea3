namespace CloudMail.SendApi;

/// <summary>
/// The transport facts of one send API request that the handler needs, copied from HTTP by the host.
/// Raw header values: the handler parses and checks them.
/// </summary>
/// <param name="Authorization">The Authorization header (<c>Bearer &lt;key&gt;</c>), or null.</param>
/// <param name="ApiKeyHeader">The X-Api-Key header, or null.</param>
/// <param name="IdempotencyKey">The Idempotency-Key header, or null.</param>
/// <param name="RemoteAddress">Client IP address as text (goes into the envelope).</param>
/// <param name="ContentLength">The declared body length, or null (chunked); reserved in <see cref="InFlightBytes"/> up front.</param>
public sealed record SendApiCall(string? Authorization, string? ApiKeyHeader, string? IdempotencyKey, string RemoteAddress, long? ContentLength = null)
{
    /// <summary>Hides credentials so that logging the record by accident does not leak a key.</summary>
    public override string ToString() => $"SendApiCall {{ RemoteAddress = {RemoteAddress}, IdempotencyKey = {(IdempotencyKey is null ? "none" : "set")} }}";
}
