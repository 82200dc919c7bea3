using System.Text;
using System.Text.Json;
using CloudMail.Core.Dkim;
using CloudMail.Core.Tests.Dkim;
using CloudMail.Filtering.Arc;
using CloudMail.Filtering.Dkim;
using MimeKit;

namespace CloudMail.Filtering.Tests.Arc;

/// <summary>
/// ARC (RFC 8617) side by side with an independent implementation, dkimpy (Debian's python3-dkim): chains sealed by it
/// (one and two hops) validate with CloudMail's verifier as they do with dkimpy's; a set CloudMail's forward sealer adds,
/// on a bare message and on top of a dkimpy chain, validates with dkimpy; a signed field changed after sealing fails in both.
/// </summary>
public sealed class DkimpyArcDifferentialTests : IDisposable
{
    private const string Message =
        "Authentication-Results: fwd1.test; spf=pass smtp.mailfrom=alice@sender.test; dkim=none; arc=none\r\n" +
        "From: Alice <alice@sender.test>\r\n" +
        "To: list@fwd1.test\r\n" +
        "Subject: Forwarded   twice,\r\n  folded\r\n" +
        "Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n" +
        "Message-ID: <arc@sender.test>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Hello list,  \r\n\r\n";

    /// <summary>dkimpy: seals each job of the JSON list in argv[2] (in order, each on the output of the one before) with the key in argv[1].</summary>
    private const string SealScript = """
        import dkim, json, sys
        key = open(sys.argv[1], 'rb').read()
        for job in json.load(open(sys.argv[2])):
            message = open(job['in'], 'rb').read()
            fields = dkim.arc_sign(message, b'sel', job['domain'].encode(), key, job['srvid'].encode(),
                                   include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
            open(job['out'], 'wb').write(b''.join(fields) + message)
        """;

    /// <summary>dkimpy: the chain validation status of each message file in argv[2:], keys from the JSON name → record map in argv[1].</summary>
    private const string VerifyScript = """
        import dkim, json, sys
        records = json.load(open(sys.argv[1]))
        def txt(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            return records.get(name.rstrip('.'), '').encode() or None
        for path in sys.argv[2:]:
            cv, results, comment = dkim.arc_verify(open(path, 'rb').read(), dnsfunc=txt)
            print(path, cv.decode())
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("cloudmail-dkimpy-arc-").FullName;

    private readonly Dictionary<string, string> _records = new()
    {
        ["sel._domainkey.fwd1.test"] = TestSigning.KeyRecord,
        ["sel._domainkey.fwd2.test"] = TestSigning.KeyRecord,
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Dkimpy_chains_of_one_and_two_sets_validate_here_as_with_dkimpy()
    {
        byte[] one = await SealWithDkimpyAsync(Encoding.UTF8.GetBytes(Message), "fwd1.test");
        byte[] second = [.. "Authentication-Results: fwd2.test; spf=pass smtp.mailfrom=list@fwd1.test; arc=pass\r\n"u8, .. one];
        byte[] two = await SealWithDkimpyAsync(second, "fwd2.test");
        Assert.Equal(2, Encoding.UTF8.GetString(two).Split("ARC-Seal:").Length - 1);
        var dkimpy = await VerifyWithDkimpyAsync(new() { ["one"] = one, ["two"] = two });
        Assert.Equal(("pass", "pass"), (dkimpy["one"], dkimpy["two"]));
        Assert.Equal(("pass", "pass"), (await VerifyHereAsync(one), await VerifyHereAsync(two)));
    }

    [Fact]
    public async Task A_signed_field_changed_after_sealing_fails_in_both()
    {
        byte[] sealedMessage = await SealWithDkimpyAsync(Encoding.UTF8.GetBytes(Message), "fwd1.test");
        byte[] changed = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sealedMessage).Replace("Subject: Forwarded", "Subject: Rewritten", StringComparison.Ordinal));
        Assert.NotEqual(sealedMessage, changed);
        var dkimpy = await VerifyWithDkimpyAsync(new() { ["changed"] = changed });
        Assert.Equal(("fail", "fail"), (dkimpy["changed"], await VerifyHereAsync(changed)));
    }

    [Fact]
    public async Task CloudMail_seals_validate_with_dkimpy_on_a_bare_message_and_on_a_dkimpy_chain()
    {
        var store = new InMemoryDkimKeyStore();
        DkimKey key = DkimKeyGenerator.NewRsaKey("lists.test", "cm1", DateTimeOffset.UtcNow);
        await store.AddAsync(key, CancellationToken.None);
        _records["cm1._domainkey.lists.test"] = DkimDnsRecord.Text(key);
        var sealer = new ArcForwardSealer(store, TimeProvider.System, "lists.test");

        // First hop: the inbound checks wrote CloudMail's own Authentication-Results (no chain arrived: arc=none).
        byte[] bare = Encoding.UTF8.GetBytes(Message.Replace("Authentication-Results: fwd1.test;", "Authentication-Results: lists.test;", StringComparison.Ordinal));
        // Second hop: a dkimpy chain arrived and verified (arc=pass in CloudMail's own field).
        byte[] arrived = await SealWithDkimpyAsync(Encoding.UTF8.GetBytes(Message), "fwd1.test");
        byte[] chain = [.. "Authentication-Results: lists.test; spf=pass smtp.mailfrom=list@fwd1.test; arc=pass\r\n"u8, .. arrived];
        var sealedMessages = new Dictionary<string, byte[]>();
        foreach (var (name, bytes) in new Dictionary<string, byte[]> { ["bare"] = bare, ["chain"] = chain })
        {
            string? seal = await sealer.SealAsync(new MemoryStream(bytes), "lists.test", CancellationToken.None);
            Assert.True(seal is not null, $"{name} was not sealed");
            sealedMessages[name] = [.. Encoding.ASCII.GetBytes(seal), .. bytes];
        }
        Assert.Contains("i=2;", Encoding.ASCII.GetString(sealedMessages["chain"]), StringComparison.Ordinal);
        var dkimpy = await VerifyWithDkimpyAsync(sealedMessages);
        Assert.Equal(("pass", "pass"), (dkimpy["bare"], dkimpy["chain"]));
        Assert.Equal(("pass", "pass"), (await VerifyHereAsync(sealedMessages["bare"]), await VerifyHereAsync(sealedMessages["chain"])));
    }

    /// <summary><paramref name="message"/> with one more ARC set, sealed by dkimpy for <paramref name="domain"/> (authserv-id the same).</summary>
    private async Task<byte[]> SealWithDkimpyAsync(byte[] message, string domain)
    {
        string keyFile = Path.Combine(_folder, "key.pem");
        await File.WriteAllTextAsync(keyFile, TestSigning.PrivateKeyPem);
        string input = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".eml"), output = input + ".sealed";
        await File.WriteAllBytesAsync(input, message);
        string jobs = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(jobs, JsonSerializer.Serialize(new[] { new { @in = input, @out = output, domain, srvid = domain } }));
        await Python.RunDebianAsync(SealScript, keyFile, jobs);
        return await File.ReadAllBytesAsync(output);
    }

    /// <summary>dkimpy's chain validation status ("pass", "fail", "none") of each message, by name.</summary>
    private async Task<Dictionary<string, string>> VerifyWithDkimpyAsync(Dictionary<string, byte[]> messages)
    {
        string recordFile = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(recordFile, JsonSerializer.Serialize(_records));
        return await DkimpyVerdicts.RunAsync(_folder, VerifyScript, recordFile, messages);
    }

    private async Task<string> VerifyHereAsync(byte[] bytes)
    {
        var dns = new FakeDns();
        foreach (var (name, record) in _records) dns.WithTxt(name, record);
        using var message = await MimeMessage.LoadAsync(new MemoryStream(bytes));
        return (await new ArcChainVerifier(new DnsDkimPublicKeyLocator(dns)).VerifyAsync(message, CancellationToken.None)).Result;
    }
}
