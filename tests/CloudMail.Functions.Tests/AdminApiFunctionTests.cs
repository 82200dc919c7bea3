using System.Net;
using System.Text.Json;
using CloudMail.AdminApi;
using CloudMail.Core.Admin;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Functions.Tests.Support;
using CloudMail.Functions.Triggers;

namespace CloudMail.Functions.Tests;

/// <summary>
/// The admin API function called directly with concrete HttpRequestData doubles, over the real handler and embedded
/// storage: the same statuses, headers and bodies as the embedded host's endpoint.
/// </summary>
public sealed class AdminApiFunctionTests : IAsyncLifetime
{
    private FunctionsHarness _h = null!;
    private string _key = null!;

    private AdminApiFunction Function => _h.Get<AdminApiFunction>();

    public async Task InitializeAsync()
    {
        _h = await FunctionsHarness.StartAsync(new Dictionary<string, string?> { ["CloudMail:Auth:PasswordHashIterations"] = "1000" });
        _key = (await _h.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read, AdminScopes.Write], CancellationToken.None)).Key;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<TestHttpResponse> RunAsync(TestHttpRequest request) => (TestHttpResponse)await Function.RunAsync(request, CancellationToken.None);

    [Fact]
    public async Task A_user_is_created_with_its_mailboxes_and_listed()
    {
        string address = "fn-user@" + FunctionsHarness.Domain;
        var body = JsonSerializer.Serialize(new { address, password = "correct horse battery" });

        var created = await RunAsync(TestHttpRequest.Post("/api/v1/admin/users", "application/json", body).With("Authorization", "Bearer " + _key));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(AdminApiJson.ContentType, created.Header("Content-Type"));
        Assert.Equal("/api/v1/admin/users/fn-user%40" + FunctionsHarness.Domain, created.Header("Location"));
        Assert.NotNull(await _h.Get<IMailDirectory>().GetAccountAsync(address, CancellationToken.None));
        Assert.Contains(await _h.Get<IMailboxIndex>().ListMailboxesAsync(address, CancellationToken.None), m => m.Name == "INBOX");

        var list = await RunAsync(TestHttpRequest.Get("/api/v1/admin/users?limit=10").With("Authorization", "Bearer " + _key));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(JsonDocument.Parse(list.Text).RootElement.GetProperty("items").EnumerateArray(), u => u.GetProperty("address").GetString() == address);
    }

    [Fact]
    public async Task Without_a_key_the_answer_is_401_with_a_bearer_challenge_and_problem_details()
    {
        var response = await RunAsync(TestHttpRequest.Get("/api/v1/admin/domains"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Header("WWW-Authenticate"));
        Assert.Equal(AdminProblem.ContentType, response.Header("Content-Type"));
        Assert.Equal(401, JsonDocument.Parse(response.Text).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_read_only_key_cannot_remove_a_domain()
    {
        string readKey = (await _h.Get<IAdminKeyStore>().CreateAsync([AdminScopes.Read], CancellationToken.None)).Key;

        var response = await RunAsync(TestHttpRequest.Delete("/api/v1/admin/domains/" + FunctionsHarness.Domain).With("Authorization", "Bearer " + readKey));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(await _h.Get<IMailDirectory>().IsLocalDomainAsync(FunctionsHarness.Domain, CancellationToken.None));
    }

    [Fact]
    public async Task The_queue_of_the_storage_is_listed_and_the_openapi_document_is_served_without_a_key()
    {
        var queue = await RunAsync(TestHttpRequest.Get("/api/v1/admin/queue").With("Authorization", "Bearer " + _key));
        var document = await RunAsync(TestHttpRequest.Get("/api/v1/admin/openapi.json"));

        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(queue.Text).RootElement.GetProperty("items").ValueKind);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(AdminApiOpenApi.Document(), ((MemoryStream)document.Body).ToArray());
    }
}
