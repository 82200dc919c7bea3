using System.Text;
using CloudMail.Core.Dkim;
using MimeKit;
using MimeKit.Cryptography;

namespace CloudMail.Core.Tests.Dkim;

public sealed class DkimOutboundSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private const string Message =
        "From: Alice <alice@a.test>\r\n" +
        "To: bob@b.test\r\n" +
        "Subject: Hello  there,\r\n   folded\r\n" +
        "Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n" +
        "Message-ID: <1@a.test>\r\n" +
        "X-Unsigned: anything\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/alternative; boundary=\"b1\"\r\n" +
        "\r\n" +
        "preamble\r\n" +
        "--b1\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: quoted-printable\r\n" +
        "\r\n" +
        "Hi Bob,  trailing spaces   \r\n" +
        "caf=C3=A9\r\n" +
        "--b1\r\n" +
        "Content-Type: text/html\r\n" +
        "\r\n" +
        "<p>Hi</p>\r\n" +
        "--b1--\r\n" +
        "epilogue\r\n";

    private readonly InMemoryDkimKeyStore _store = new();
    private readonly SettableClock _clock = new() { UtcNow = Now };

    private DkimOutboundSigner Signer() => new(_store, _clock);

    private async Task<DkimKey> AddKeyAsync(string domain = "a.test", string selector = "cm1", DateTimeOffset? created = null)
    {
        DkimKey key = DkimKeyGenerator.NewRsaKey(domain, selector, created ?? Now);
        await _store.AddAsync(key, CancellationToken.None);
        return key;
    }

    private async Task<string?> SignAsync(string message) =>
        await Signer().SignatureHeaderAsync(new MemoryStream(Encoding.UTF8.GetBytes(message)), CancellationToken.None);

    /// <summary>Verifies every DKIM-Signature of <paramref name="signed"/> against the published records of <paramref name="keys"/>.</summary>
    private static async Task<bool[]> VerifyAsync(string signed, params DkimKey[] keys)
    {
        using MimeMessage message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(signed)));
        var verifier = new DkimVerifier(new PublishedKeys(keys));
        var results = new List<bool>();
        foreach (Header header in message.Headers.Where(h => h.Id == HeaderId.DkimSignature))
        {
            results.Add(await verifier.VerifyAsync(message, header));
        }
        return [.. results];
    }

    private static Dictionary<string, string> Tags(string field) =>
        field["DKIM-Signature:".Length..].Replace("\r\n", "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(tag => tag.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Replace(" ", "").Replace("\t", ""));

    [Fact]
    public async Task Signature_prepended_to_the_unchanged_bytes_verifies_with_the_published_key()
    {
        DkimKey key = await AddKeyAsync();

        string? field = await SignAsync(Message);

        Assert.NotNull(field);
        Assert.StartsWith("DKIM-Signature:", field);
        Assert.EndsWith("\r\n", field);
        Assert.Equal(new[] { true }, await VerifyAsync(field + Message, key));
    }

    [Fact]
    public async Task A_changed_body_no_longer_verifies()
    {
        DkimKey key = await AddKeyAsync();
        string? field = await SignAsync(Message);

        Assert.Equal(new[] { false }, await VerifyAsync(field + Message.Replace("Hi Bob", "Hi Eve"), key));
    }

    [Fact]
    public async Task An_added_From_header_breaks_the_signature_because_From_is_oversigned()
    {
        DkimKey key = await AddKeyAsync();
        string? field = await SignAsync(Message);

        Assert.Equal(new[] { false }, await VerifyAsync(field + "From: mallory@evil.test\r\n" + Message, key));
    }

    [Fact]
    public async Task Tags_name_domain_selector_relaxed_canonicalization_signing_time_and_the_present_headers()
    {
        await AddKeyAsync();

        var tags = Tags((await SignAsync(Message))!);

        Assert.Equal("a.test", tags["d"]);
        Assert.Equal("cm1", tags["s"]);
        Assert.Equal("rsa-sha256", tags["a"]);
        Assert.Equal("relaxed/relaxed", tags["c"]);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), tags["t"]);
        Assert.False(tags.ContainsKey("l"));
        string[] signed = tags["h"].ToLowerInvariant().Split(':');
        Assert.Equal(2, signed.Count(h => h == "from"));
        Assert.Contains("subject", signed);
        Assert.Contains("message-id", signed);
        Assert.True(signed.Contains("content-type"), string.Join(":", signed));
        Assert.DoesNotContain("x-unsigned", signed);
    }

    [Fact]
    public async Task During_rotation_every_active_key_signs_newest_first_and_each_signature_verifies()
    {
        DkimKey old = await AddKeyAsync(selector: "old", created: Now.AddDays(-30));
        DkimKey fresh = await AddKeyAsync(selector: "new");

        string field = (await SignAsync(Message))!;

        Assert.True(field.IndexOf("s=new", StringComparison.Ordinal) < field.IndexOf("s=old", StringComparison.Ordinal));
        Assert.Equal(new[] { true, true }, await VerifyAsync(field + Message, old, fresh));
    }

    [Fact]
    public async Task No_signature_when_the_From_domain_has_no_active_key_even_if_a_parent_or_subdomain_has_one()
    {
        await AddKeyAsync("test");
        await AddKeyAsync("sub.a.test");
        await AddKeyAsync("b.test");
        await _store.DeactivateAsync("b.test", "cm1", CancellationToken.None);

        Assert.Null(await SignAsync(Message));
        Assert.Null(await SignAsync(Message.Replace("alice@a.test", "alice@b.test")));
    }

    [Fact]
    public async Task No_signature_without_a_From_mailbox()
    {
        await AddKeyAsync();
        Assert.Null(await SignAsync(Message.Replace("From: Alice <alice@a.test>\r\n", "")));
    }

    [Fact]
    public async Task The_From_domain_is_matched_case_insensitively()
    {
        DkimKey key = await AddKeyAsync();
        string message = Message.Replace("alice@a.test", "alice@A.Test");

        Assert.Equal(new[] { true }, await VerifyAsync(await SignAsync(message) + message, key));
    }

    [Fact]
    public async Task Keys_are_read_once_per_cache_lifetime()
    {
        await AddKeyAsync();
        DkimOutboundSigner signer = Signer();
        async Task SignOnce() => await signer.SignatureHeaderAsync(new MemoryStream(Encoding.UTF8.GetBytes(Message)), CancellationToken.None);

        await SignOnce();
        await SignOnce();
        Assert.Equal(1, _store.ActiveLookups);

        _clock.UtcNow += DkimOutboundSigner.KeyCacheLifetime + TimeSpan.FromSeconds(1);
        await SignOnce();
        Assert.Equal(2, _store.ActiveLookups);
    }

    [Fact]
    public async Task A_message_with_bare_line_feeds_that_would_not_be_written_back_unchanged_goes_out_unsigned()
    {
        await AddKeyAsync();
        Assert.Null(await SignAsync(Message.Replace("\r\n", "\n")));
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset UtcNow { get; set; }

        public override DateTimeOffset GetUtcNow() => UtcNow;
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("not a header line at all\r\n")]
    [InlineData("From: \r\n\r\nbody\r\n")]
    public async Task Unreadable_or_headerless_input_goes_out_unsigned_without_throwing(string message)
    {
        await AddKeyAsync();
        Assert.Null(await SignAsync(message));
    }
}
