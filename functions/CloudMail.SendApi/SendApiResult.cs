namespace CloudMail.SendApi;

/// <summary>
/// What <see cref="SendApiHandler"/> decided; each host maps it to HTTP the same way: the status code is
/// <see cref="StatusCode"/>, the body is the payload as JSON (a problem as <c>application/problem+json</c>;
/// a 401 also carries <c>WWW-Authenticate: Bearer</c>).
/// </summary>
public abstract record SendApiResult
{
    private SendApiResult() { }

    public abstract int StatusCode { get; }

    /// <summary>202: accepted durably (or already accepted under the same Idempotency-Key).</summary>
    public sealed record Accepted(SubmitResponse Response) : SendApiResult
    {
        public override int StatusCode => 202;
    }

    /// <summary>200: the delivery status of a message.</summary>
    public sealed record Status(MessageStatusResponse Response) : SendApiResult
    {
        public override int StatusCode => 200;
    }

    /// <summary>4xx/5xx with a problem details body.</summary>
    public sealed record Problem(ApiProblem Details) : SendApiResult
    {
        public override int StatusCode => Details.Status;
    }

    public static implicit operator SendApiResult(ApiProblem problem) => new Problem(problem);
}
