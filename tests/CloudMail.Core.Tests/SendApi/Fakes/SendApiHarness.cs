using System.Text;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.Core.Tests.SendApi.Fakes;

/// <summary>A <see cref="SendApiHandler"/> over in-memory stores, with one key for example.test.</summary>
internal sealed class SendApiHarness
{
    public const string Domain = "example.test";

    public InMemoryBlobStore Blobs { get; } = new();
    public InMemoryMailQueue Queue { get; } = new();
    public InMemoryDeliveryLog Log { get; } = new();
    public InMemoryApiKeyStore Keys { get; } = new();
    public LocalDomains Directory { get; } = new(Domain, "other.test");
    public SendApiOptions Options { get; } = new();
    public SendApiHandler Handler { get; }
    public CreatedApiKey Key { get; }

    public SendApiHarness()
    {
        Key = Keys.CreateAsync(Domain, CancellationToken.None).Result;
        Handler = new SendApiHandler(new ApiKeyAuthenticator(Keys), Directory, new MessageAcceptor(Blobs, Queue, Log), new MessageOwnership(Blobs), Log,
            Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, NullLogger<SendApiHandler>.Instance);
    }

    public SendApiCall Call(string? idempotencyKey = null, string? key = null) =>
        new($"Bearer {key ?? Key.Key}", null, idempotencyKey, "192.0.2.1");

    public Task<SendApiResult> JsonAsync(string json, SendApiCall? call = null) =>
        Handler.SubmitJsonAsync(call ?? Call(), new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    public Task<SendApiResult> RawAsync(string mime, SendApiCall? call = null) =>
        Handler.SubmitRawAsync(call ?? Call(), new MemoryStream(Encoding.UTF8.GetBytes(mime)), CancellationToken.None);

    public const string SimpleJson = """{"from":"app@example.test","to":["bob@example.test"],"subject":"hi","text":"hello"}""";
}
