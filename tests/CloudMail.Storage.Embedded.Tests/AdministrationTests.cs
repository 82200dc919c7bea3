using System.Reflection;
using CloudMail.ContractTests;
using CloudMail.Core.Admin;
using CloudMail.Core.Auth;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Storage.Embedded.Tests.Support;

namespace CloudMail.Storage.Embedded.Tests;

/// <summary>
/// The admin services the CLI and the admin API share, over the real embedded storage: input is checked before anything
/// is written, and a user whose mailboxes cannot be made is not left behind.
/// </summary>
public sealed class AdministrationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task A_user_whose_mailboxes_cannot_be_made_is_removed_again()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        string domain = Unique.Domain();
        await store.MailDirectory.AddDomainAsync(domain, _ct);
        var admin = new AccountAdministration(store.MailDirectory, FailingMailboxes.Over(store.Mailboxes), store.DeliveryLog, new AuthOptions { PasswordHashIterations = 1000 });

        await Assert.ThrowsAsync<IOException>(() => admin.AddUserAsync("half@" + domain, "correct horse battery", _ct));

        Assert.Null(await store.MailDirectory.GetAccountAsync("half@" + domain, _ct));
    }

    [Fact]
    public async Task Domains_are_checked_lower_cased_and_added_once()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        var admin = new DirectoryAdministration(store.MailDirectory);

        Assert.True(await admin.AddDomainAsync("Mail.Example.TEST.", _ct));
        Assert.False(await admin.AddDomainAsync("mail.example.test", _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.AddDomainAsync("under_score.test", _ct));

        Assert.Equal(["mail.example.test"], await store.MailDirectory.ListDomainsAsync(_ct));
    }

    [Fact]
    public async Task An_alias_needs_a_valid_alias_and_target_and_is_added_once()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        var admin = new DirectoryAdministration(store.MailDirectory);
        await admin.AddDomainAsync("example.test", _ct);

        await Assert.ThrowsAsync<ArgumentException>(() => admin.AddAliasAsync("info@example.test", "no at sign", _ct));
        await Assert.ThrowsAsync<ArgumentException>(() => admin.AddAliasAsync("@bad_domain", "a@b.test", _ct));
        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(() => admin.AddAliasAsync("info@elsewhere.test", "a@b.test", _ct));
        Assert.True(await admin.AddAliasAsync("Info@Example.test", "A@B.test", _ct));
        Assert.False(await admin.AddAliasAsync("info@example.test", "a@b.test", _ct));

        Assert.Equal([new Alias("info@example.test", "a@b.test")], await store.MailDirectory.ListAliasesAsync(null, _ct));
    }

    [Fact]
    public async Task A_send_api_key_is_made_only_for_a_local_domain()
    {
        await using EmbeddedStorage store = EmbeddedStorage.Open(_folder.Path);
        using var keys = new Directory.SqliteApiKeyStore(_folder.Path, TimeProvider.System);
        var admin = new SendApiKeyAdministration(store.MailDirectory, keys);
        await store.MailDirectory.AddDomainAsync("example.test", _ct);

        await Assert.ThrowsAsync<DirectoryEntryNotFoundException>(() => admin.CreateAsync("elsewhere.test", _ct));
        var created = await admin.CreateAsync("Example.Test", _ct);

        Assert.Equal("example.test", created.Info.Domain);
        Assert.Equal([created.Info.KeyId], (await admin.ListAsync(null, _ct)).Select(k => k.KeyId));
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A mailbox index whose <see cref="IMailboxIndex.EnsureDefaultMailboxesAsync"/> fails as a full disk would; the rest is the real one's.</summary>
    public class FailingMailboxes : DispatchProxy
    {
        private IMailboxIndex _inner = null!;

        public static IMailboxIndex Over(IMailboxIndex inner)
        {
            var proxy = Create<IMailboxIndex, FailingMailboxes>();
            ((FailingMailboxes)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.Name == nameof(IMailboxIndex.EnsureDefaultMailboxesAsync)
                ? Task.FromException(new IOException("No space left on device"))
                : targetMethod.Invoke(_inner, args);
    }
}
