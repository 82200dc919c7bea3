using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace CloudMail.Functions.Tests.Support;

/// <summary>
/// Concrete HttpRequestData for calling HTTP-triggered functions directly: a method, a URL, headers and a body, and a
/// <see cref="CreateResponse"/> that hands back a <see cref="TestHttpResponse"/> (the abstract Worker types have no
/// public implementation outside the host).
/// </summary>
public sealed class TestHttpRequest : HttpRequestData
{
    private TestHttpRequest(string method, string pathAndQuery, byte[] body) : base(new TestFunctionContext())
    {
        Method = method;
        Url = new Uri("https://cloudmail-func.example" + pathAndQuery);
        Body = new MemoryStream(body, writable: false);
    }

    public static TestHttpRequest Get(string path) => new("GET", path, []);

    public static TestHttpRequest Delete(string path) => new("DELETE", path, []);

    public static TestHttpRequest Post(string path, string contentType, string body) =>
        Post(path, contentType, Encoding.UTF8.GetBytes(body));

    public static TestHttpRequest Post(string path, string contentType, byte[] body)
    {
        var request = new TestHttpRequest("POST", path, body);
        request.Headers.Add("Content-Type", contentType);
        request.Headers.Add("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>Adds a header and returns the request (fluent).</summary>
    public TestHttpRequest With(string name, string value)
    {
        Headers.Add(name, value);
        return this;
    }

    public override Stream Body { get; }

    public override HttpHeadersCollection Headers { get; } = new();

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; }

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method { get; }

    public override HttpResponseData CreateResponse() => new TestHttpResponse(FunctionContext);
}

/// <summary>A response whose body is kept in memory for the test to read.</summary>
public sealed class TestHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = new();

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies { get; } = new NoCookies();

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    public string Text => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());

    private sealed class NoCookies : HttpCookies
    {
        public override void Append(string name, string value) => throw new NotSupportedException("the send API sets no cookies");

        public override void Append(IHttpCookie cookie) => throw new NotSupportedException("the send API sets no cookies");

        public override IHttpCookie CreateNew() => throw new NotSupportedException("the send API sets no cookies");
    }
}

/// <summary>The invocation context an HttpRequestData needs; the send API functions use none of it.</summary>
public sealed class TestFunctionContext : FunctionContext
{
    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId { get; } = "test";

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext => throw new NotSupportedException();

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; } = EmptyServices.Instance;

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
