using System.Text;
using CloudMail.Core.Directory;
using CloudMail.Core.SendApi;
using CloudMail.Core.Tests.SendApi.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudMail.SendApi.Tests.Fakes;

/// <summary>
/// A <see cref="SendApiHandler"/> over in-memory stores, with one key for example.test, the users bob@ and carol@ there,
/// and no remote delivery route until a test opens <see cref="Route"/>.
/// </summary>
internal sealed class SendApiHarness
{
    public const string Domain = "example.test";

    public InMemoryBlobStore Blobs { get; } = new();
    public InMemoryMailQueue Queue { get; } = new();
    public InMemoryDeliveryLog Log { get; } = new();
    public InMemoryApiKeyStore Keys { get; } = new();
    public InMemoryIdempotencyStore Idempotency { get; } = new();
    public SwitchableRoute Route { get; } = new();
    public LocalDomains Directory { get; } = new(Domain, "other.test");
    public SendApiOptions Options { get; } = new();
    public InFlightBytes InFlight { get; }
    public SendApiHandler Handler { get; }
    public CreatedApiKey Key { get; }

    public SendApiHarness()
    {
        Key = Keys.CreateAsync(Domain, CancellationToken.None).Result;
        Directory.AddUser("bob@" + Domain);
        Directory.AddUser("carol@" + Domain);
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        InFlight = new InFlightBytes(options);
        Handler = new SendApiHandler(new ApiKeyAuthenticator(Keys), Directory, new RecipientAdmission(Directory, new RecipientResolver(Directory), Route),
            new MessageAcceptor(Blobs, Queue, Log, Idempotency), new MessageOwnership(Blobs), Log, InFlight, options, TimeProvider.System,
            NullLogger<SendApiHandler>.Instance);
    }

    public SendApiCall Call(string? idempotencyKey = null, string? key = null, long? contentLength = null) =>
        new($"Bearer {key ?? Key.Key}", null, idempotencyKey, "192.0.2.1", contentLength);

    public Task<SendApiResult> JsonAsync(string json, SendApiCall? call = null) =>
        Handler.SubmitJsonAsync(call ?? Call(), new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None);

    public Task<SendApiResult> RawAsync(string mime, SendApiCall? call = null) =>
        Handler.SubmitRawAsync(call ?? Call(), new MemoryStream(Encoding.UTF8.GetBytes(mime)), CancellationToken.None);

    public const string SimpleJson = """{"from":"app@example.test","to":["bob@example.test"],"subject":"hi","text":"hello"}""";
}
