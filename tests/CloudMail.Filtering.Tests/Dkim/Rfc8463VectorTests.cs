using CloudMail.Filtering.Dkim;
using MimeKit;

namespace CloudMail.Filtering.Tests.Dkim;

/// <summary>
/// The signed example of RFC 8463 Appendix A (one ed25519-sha256 and one rsa-sha256 signature of the same message, the keys of
/// A.2), as dkimpy's test data carries it (Debian's python3-dkim, /usr/lib/python3/dist-packages/dkim/tests/data): both
/// signatures verify, through MimeKit's verifier (Ed25519) and the platform RSA path, and a changed byte fails both.
/// </summary>
public sealed class Rfc8463VectorTests
{
    private const string Data = "/usr/lib/python3/dist-packages/dkim/tests/data/";

    /// <summary>RFC 8463 A.2: the Ed25519 key of selector brisbane and the RSA key of selector test (dkimpy's test.txt).</summary>
    private static async Task<FakeDns> KeysAsync() => new FakeDns()
        .WithTxt("brisbane._domainkey.football.example.com", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        .WithTxt("test._domainkey.football.example.com", (await File.ReadAllTextAsync(Data + "test.txt")).Trim());

    private static async Task<IReadOnlyList<DkimResult>> VerifyAsync(byte[] bytes)
    {
        using var message = await MimeMessage.LoadAsync(new MemoryStream(bytes));
        return await new DkimMessageVerifier(new DnsDkimPublicKeyLocator(await KeysAsync()), TimeProvider.System).VerifyAsync(message, CancellationToken.None);
    }

    [Fact]
    public async Task Both_signatures_of_the_rfc8463_example_verify()
    {
        var results = await VerifyAsync(await File.ReadAllBytesAsync(Data + "rfc6376.signed.msg"));
        Assert.Equal([("brisbane", "pass"), ("test", "pass")], results.Select(r => (r.Selector, r.Result)));
    }

    [Fact]
    public async Task A_changed_body_fails_both_signatures_of_the_rfc8463_example()
    {
        string text = await File.ReadAllTextAsync(Data + "rfc6376.signed.msg");
        Assert.Contains("Hi.", text, StringComparison.Ordinal);
        var results = await VerifyAsync(System.Text.Encoding.ASCII.GetBytes(text.Replace("Hi.", "Hy.", StringComparison.Ordinal)));
        Assert.Equal([("brisbane", "fail"), ("test", "fail")], results.Select(r => (r.Selector, r.Result)));
    }
}
