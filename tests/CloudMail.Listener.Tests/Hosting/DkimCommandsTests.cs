using System.Text;
using System.Text.RegularExpressions;
using CloudMail.Core.Directory;
using CloudMail.Core.Dkim;
using CloudMail.Listener.Tests.Infrastructure;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace CloudMail.Listener.Tests.Hosting;

/// <summary><c>cloudmail dkim ...</c> through the admin command dispatcher on the admin host's embedded storage.</summary>
public sealed partial class DkimCommandsTests : IAsyncLifetime
{
    private readonly AdminHost _admin = new();

    public async Task InitializeAsync() => await _admin.Get<IMailDirectory>().AddDomainAsync("a.test", CancellationToken.None);

    public async Task DisposeAsync() => await _admin.DisposeAsync();

    [GeneratedRegex("""^(?<name>\S+)\. IN TXT(?<strings>( "[^"]{1,255}")+)\n$""")]
    private static partial Regex ZoneLine();

    /// <summary>The TXT text of a printed zone-file line (its strings joined, as resolvers do).</summary>
    private static (string Name, string Text) ParseZoneLine(string line)
    {
        Match match = ZoneLine().Match(line.Replace("\r\n", "\n"));
        Assert.True(match.Success, line);
        return (match.Groups["name"].Value, string.Concat(match.Groups["strings"].Value.Split('"').Where((_, i) => i % 2 == 1)));
    }

    [Fact]
    public async Task Generate_prints_only_the_TXT_record_and_mail_signed_with_the_key_verifies_against_it()
    {
        var (code, output, error) = await _admin.RunAsync("dkim", "generate", "A.Test", "--selector", "s2026");

        Assert.Equal(0, code);
        Assert.Contains("publish the TXT record", error);
        var (name, text) = ParseZoneLine(output);
        Assert.Equal("s2026._domainkey.a.test", name);
        Assert.StartsWith("v=DKIM1; k=rsa; p=", text);

        // The key in the store signs; the printed record verifies the signature.
        var signer = new DkimOutboundSigner(_admin.Get<IDkimKeyStore>(), TimeProvider.System);
        const string message = "From: alice@a.test\r\nTo: bob@b.test\r\nSubject: hi\r\n\r\nbody\r\n";
        string? field = await signer.SignatureHeaderAsync(new MemoryStream(Encoding.ASCII.GetBytes(message)), CancellationToken.None);
        using MimeMessage signed = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(field + message)));
        var verifier = new DkimVerifier(new OneRecord(text));
        Assert.True(await verifier.VerifyAsync(signed, signed.Headers.First(h => h.Id == HeaderId.DkimSignature)));
    }

    [Fact]
    public async Task Generate_without_a_selector_uses_cm_and_the_current_year_and_month()
    {
        var (code, output, _) = await _admin.RunAsync("dkim", "generate", "a.test");

        Assert.Equal(0, code);
        Assert.StartsWith(DkimSelector.Default(DateTimeOffset.UtcNow) + "._domainkey.a.test. IN TXT ", output);
    }

    [Fact]
    public async Task Generate_for_a_domain_that_is_not_local_fails_and_stores_nothing()
    {
        var (code, output, error) = await _admin.RunAsync("dkim", "generate", "elsewhere.test");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("not a local domain", error);
        Assert.Empty(await _admin.Get<IDkimKeyStore>().ListAsync("elsewhere.test", CancellationToken.None));
    }

    [Fact]
    public async Task Generate_refuses_an_invalid_or_reused_selector()
    {
        Assert.Equal(1, (await _admin.RunAsync("dkim", "generate", "a.test", "--selector", "bad_selector")).Code);
        Assert.Equal(0, (await _admin.RunAsync("dkim", "generate", "a.test", "--selector", "s1")).Code);
        var (code, _, error) = await _admin.RunAsync("dkim", "generate", "a.test", "--selector", "s1");
        Assert.Equal(1, code);
        Assert.Contains("already has a DKIM key", error);
    }

    [Fact]
    public async Task Rotation_list_shows_both_keys_retire_stops_signing_with_the_old_one_and_remove_deletes_it()
    {
        await _admin.RunAsync("dkim", "generate", "a.test", "--selector", "old");
        await _admin.RunAsync("dkim", "generate", "a.test", "--selector", "new");

        Assert.Equal(0, (await _admin.RunAsync("dkim", "retire", "a.test", "old")).Code);

        string listed = (await _admin.RunAsync("dkim", "list", "a.test")).Out;
        Assert.Matches(@"(?m)^old  retired  created .* old\._domainkey\.a\.test\. IN TXT ", listed);
        Assert.Matches(@"(?m)^new  active  created .* new\._domainkey\.a\.test\. IN TXT ", listed);
        Assert.Equal(["new"], (await _admin.Get<IDkimKeyStore>().ActiveKeysAsync("a.test", CancellationToken.None)).Select(k => k.Selector));

        Assert.Equal(0, (await _admin.RunAsync("dkim", "remove", "a.test", "old")).Code);
        Assert.DoesNotContain("old", (await _admin.RunAsync("dkim", "list", "a.test")).Out);
        Assert.Equal(1, (await _admin.RunAsync("dkim", "retire", "a.test", "old")).Code);
    }

    [Fact]
    public async Task The_admin_host_registers_the_key_store_and_wrong_usage_exits_2()
    {
        Assert.NotNull(_admin.Get<IDkimKeyStore>());
        Assert.Equal(2, (await _admin.RunAsync("dkim", "generate")).Code);
        Assert.Equal(2, (await _admin.RunAsync("dkim", "generate", "a.test", "--selectr", "x")).Code);
    }

    private sealed class OneRecord(string text) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey(text);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetPublicKey(text));
    }
}
