using CloudMail.Storage.Embedded.Directory;

namespace CloudMail.Listener.Tests.Http;

/// <summary>The SQLite API key store on a real database file.</summary>
public sealed class ApiKeyStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "cloudmail-apikeys-" + Guid.NewGuid().ToString("N"));

    private SqliteApiKeyStore Open() => new(_folder, TimeProvider.System);

    [Fact]
    public async Task A_created_key_verifies_to_its_domain_until_revoked()
    {
        using var store = Open();
        var created = await store.CreateAsync("Example.TEST", CancellationToken.None);
        Assert.Equal("example.test", created.Info.Domain);
        Assert.Equal(created.Info, await store.VerifyAsync(created.Key, CancellationToken.None));
        Assert.True(await store.RevokeAsync(created.Info.KeyId, CancellationToken.None));
        Assert.Null(await store.VerifyAsync(created.Key, CancellationToken.None));
        Assert.False(await store.RevokeAsync(created.Info.KeyId, CancellationToken.None));
    }

    [Fact]
    public async Task Wrong_or_malformed_keys_do_not_verify()
    {
        using var store = Open();
        var created = await store.CreateAsync("example.test", CancellationToken.None);
        string tampered = created.Key[..^1] + (created.Key[^1] == 'A' ? 'B' : 'A');
        Assert.Null(await store.VerifyAsync(tampered, CancellationToken.None));
        Assert.Null(await store.VerifyAsync("", CancellationToken.None));
        Assert.Null(await store.VerifyAsync("cm_' OR 1=1 --", CancellationToken.None));
        Assert.False(await store.RevokeAsync("' OR 1=1 --", CancellationToken.None));
        Assert.NotNull(await store.VerifyAsync(created.Key, CancellationToken.None));
    }

    [Fact]
    public async Task Keys_are_listed_per_domain_and_survive_reopening_stored_only_as_hashes()
    {
        string a1, a2;
        string secretKey;
        using (var store = Open())
        {
            a1 = (await store.CreateAsync("a.test", CancellationToken.None)).Info.KeyId;
            var second = await store.CreateAsync("a.test", CancellationToken.None);
            a2 = second.Info.KeyId;
            secretKey = second.Key;
            await store.CreateAsync("b.test", CancellationToken.None);
        }
        using (var reopened = Open())
        {
            Assert.Equal(new[] { a1, a2 }.Order(), (await reopened.ListAsync("A.test", CancellationToken.None)).Select(k => k.KeyId).Order());
            Assert.Single(await reopened.ListAsync("b.test", CancellationToken.None));
            Assert.Empty(await reopened.ListAsync("c.test", CancellationToken.None));
            Assert.NotNull(await reopened.VerifyAsync(secretKey, CancellationToken.None));
        }
        string secret = secretKey["cm_0123456789abcdef_".Length..];
        foreach (string file in System.IO.Directory.GetFiles(_folder))
            Assert.DoesNotContain(secret, System.Text.Encoding.ASCII.GetString(await File.ReadAllBytesAsync(file)));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
