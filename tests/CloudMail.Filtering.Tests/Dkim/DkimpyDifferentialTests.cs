using System.Text;
using System.Text.Json;
using CloudMail.Core.Dkim;
using CloudMail.Core.Tests.Dkim;
using CloudMail.Filtering.Dkim;
using MimeKit;

namespace CloudMail.Filtering.Tests.Dkim;

/// <summary>
/// DKIM side by side with an independent implementation, dkimpy (Debian's python3-dkim, as OpenDKIM-less senders and
/// many test suites use it): messages it signs, in each of the four canonicalizations and with and without <c>l=</c>,
/// verify with CloudMail's verifier (the platform rsa-sha256 path, and MimeKit's verifier for <c>l=</c>); bytes appended
/// past <c>l=</c> still pass, flagged, in both; a changed covered byte fails in both; and what CloudMail's outbound signer
/// writes verifies with dkimpy. The corpus holds what canonicalization is about (RFC 6376 §3.4): folded and
/// space-padded header fields, tabs, trailing whitespace, empty lines at the end of the body, an empty body, a body
/// without its last line break, 8-bit text, a repeated field.
/// </summary>
public sealed class DkimpyDifferentialTests : IDisposable
{
    private static readonly string[] Canonicalizations = ["simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed"];

    private const string Headers =
        "From: Alice <alice@sender.test>\r\n" +
        "To: bob@receiver.test\r\n" +
        "Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n" +
        "Message-ID: <{0}@sender.test>\r\n";

    /// <summary>Name → message (CRLF line ends as on the wire).</summary>
    private static readonly Dictionary<string, string> Corpus = new()
    {
        ["folded"] = Headers + "Subject: A subject\r\n  folded   with\r\n\tspaces and a tab  \r\nX-Tab:\tvalue\t \r\n\r\nHello  there,   \r\n\ttabbed line\r\n\r\n\r\n",
        ["padded"] = Headers + "Subject:no space after the colon\r\nX-Padded:    lots    of     spaces    \r\n\r\nline one\r\n \r\n\t\r\nline four  \t\r\n",
        ["empty-body"] = Headers + "Subject: nothing below\r\n\r\n",
        ["no-final-break"] = Headers + "Subject: unterminated\r\n\r\nfirst\r\nlast line without a break",
        ["eight-bit"] = Headers + "Subject: =?utf-8?q?caf=C3=A9?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\ncafé crème, Grüße\r\n",
        ["multipart"] = Headers + "Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n" +
            "preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
            "Hi Bob,  trailing spaces   \r\ncaf=C3=A9\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n--b1--\r\nepilogue\r\n",
        ["repeated-field"] = "X-Repeated: the upper one\r\n" + Headers + "Subject: two X-Repeated\r\nX-Repeated:  the lower one, signed  \r\n\r\nbody\r\n",
    };

    /// <summary>dkimpy: signs every job of the JSON list in argv[2] with the key in argv[1]; writes each signature field to its file.</summary>
    private const string SignScript = """
        import dkim, json, sys
        key = open(sys.argv[1], 'rb').read()
        for job in json.load(open(sys.argv[2])):
            message = open(job['in'], 'rb').read()
            header, body = job['canon'].split('/')
            field = dkim.sign(message, b'sel', b'sender.test', key, canonicalize=(header.encode(), body.encode()),
                              signature_algorithm=job.get('algorithm', 'rsa-sha256').encode(),
                              include_headers=[b'from', b'to', b'subject', b'date', b'message-id', b'x-tab', b'x-padded', b'x-repeated'],
                              length=job['length'])
            open(job['out'], 'wb').write(field)
        """;

    /// <summary>dkimpy: verifies each message file named in argv[2] with the TXT record in argv[1]; prints "pass" or "fail" per file.</summary>
    private const string VerifyScript = """
        import dkim, sys
        record = open(sys.argv[1], 'rb').read()
        for path in sys.argv[2:]:
            ok = dkim.verify(open(path, 'rb').read(), dnsfunc=lambda name, timeout=5: record)
            print(path, 'pass' if ok else 'fail')
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("cloudmail-dkimpy-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Dkimpy_signatures_verify_here_in_every_canonicalization_with_and_without_l()
    {
        var signed = await SignWithDkimpyAsync();
        Assert.Equal(Corpus.Count * Canonicalizations.Length * 2, signed.Count);
        var failures = new List<string>();
        foreach (var ((name, canon, length), bytes) in signed)
        {
            DkimResult result = Assert.Single(await VerifyHereAsync(bytes));
            if (result.Result != "pass" || result.BodyLengthLimited != length)
                failures.Add($"{name} {canon} l={length}: {result.Result} ({result.Reason}), limited={result.BodyLengthLimited}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Past_l_appended_text_passes_flagged_and_a_changed_covered_byte_fails_in_both()
    {
        var signed = await SignWithDkimpyAsync();
        var appended = new Dictionary<string, byte[]>();
        var changed = new Dictionary<string, byte[]>();
        foreach (var ((name, canon, length), bytes) in signed)
        {
            string key = $"{name}.{canon.Replace('/', '-')}.{(length ? "l" : "all")}";
            // A footer a list server adds: covered by the signature only when it has no l=.
            if (length) appended["appended " + key] = [.. bytes, .. "\r\n-- \r\nAdded by a list server.\r\n"u8];
            // One covered byte changed: the first letter of the body's first line, where there is one.
            int body = IndexOfBody(bytes);
            if (body < bytes.Length && char.IsAsciiLetter((char)bytes[body]))
            {
                byte[] copy = [.. bytes];
                copy[body] = (byte)(copy[body] == (byte)'x' ? 'y' : 'x');
                changed["changed " + key] = copy;
            }
        }
        Assert.NotEmpty(appended);
        Assert.True(changed.Count >= Canonicalizations.Length * 2 * 4, $"only {changed.Count} messages with a body letter to change");
        var dkimpy = await VerifyWithDkimpyAsync(TestSigning.KeyRecord, appended.Concat(changed).ToDictionary());
        var disagreements = new List<string>();
        foreach (var (key, bytes) in appended)
        {
            DkimResult here = Assert.Single(await VerifyHereAsync(bytes));
            if (here is not { Result: "pass", BodyLengthLimited: true } || dkimpy[key] != "pass")
                disagreements.Add($"{key}: here {here.Result} limited={here.BodyLengthLimited}, dkimpy {dkimpy[key]}");
        }
        foreach (var (key, bytes) in changed)
        {
            DkimResult here = Assert.Single(await VerifyHereAsync(bytes));
            if (here.Result != "fail" || dkimpy[key] != "fail")
                disagreements.Add($"{key}: here {here.Result}, dkimpy {dkimpy[key]}");
        }
        Assert.Empty(disagreements);
    }

    [Fact]
    public async Task CloudMail_outbound_signatures_verify_with_dkimpy()
    {
        var store = new InMemoryDkimKeyStore();
        DkimKey key = DkimKeyGenerator.NewRsaKey("sender.test", "cm1", DateTimeOffset.UtcNow);
        await store.AddAsync(key, CancellationToken.None);
        var signer = new DkimOutboundSigner(store, TimeProvider.System);
        var messages = new Dictionary<string, byte[]>();
        foreach (var (name, text) in Corpus)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(string.Format(text, name));
            string? field = await signer.SignatureHeaderAsync(new MemoryStream(bytes), CancellationToken.None);
            Assert.True(field is not null, $"{name} was not signed");
            messages[name] = [.. Encoding.ASCII.GetBytes(field), .. bytes];
        }
        var dkimpy = await VerifyWithDkimpyAsync(DkimDnsRecord.Text(key), messages);
        Assert.All(messages.Keys, name => Assert.Equal((name, "pass"), (name, dkimpy[name])));
    }

    [Fact]
    public async Task An_rsa_sha1_signature_is_policy_not_pass()
    {
        // RFC 8301 §3.1: rsa-sha1 MUST NOT be used for verifying (dkimpy and OpenDKIM's test signer still make such
        // signatures); RFC 8601 §2.7.1's "policy": signed, but not in a way this verifier accepts.
        var signed = await SignWithDkimpyAsync("rsa-sha1");
        var results = new List<string>();
        foreach (var (_, bytes) in signed) results.Add(Assert.Single(await VerifyHereAsync(bytes)).Result);
        Assert.Equal(string.Join(",", Enumerable.Repeat("policy", signed.Count)), string.Join(",", results));
    }

    /// <summary>Every corpus message signed by dkimpy in every canonicalization, without and with l=: the signed bytes.</summary>
    private async Task<Dictionary<(string Name, string Canon, bool Length), byte[]>> SignWithDkimpyAsync(string algorithm = "rsa-sha256")
    {
        string keyFile = Path.Combine(_folder, "key.pem");
        await File.WriteAllTextAsync(keyFile, TestSigning.PrivateKeyPem);
        var jobs = new List<object>();
        var files = new Dictionary<(string, string, bool), (string In, string Out)>();
        foreach (var (name, text) in Corpus)
        {
            string input = Path.Combine(_folder, name + ".eml");
            await File.WriteAllBytesAsync(input, Encoding.UTF8.GetBytes(string.Format(text, name)));
            foreach (string canon in Canonicalizations)
            {
                foreach (bool length in (bool[])[false, true])
                {
                    string output = Path.Combine(_folder, $"{name}.{canon.Replace('/', '-')}.{length}.sig");
                    jobs.Add(new { @in = input, @out = output, canon, length, algorithm });
                    files[(name, canon, length)] = (input, output);
                }
            }
        }
        string jobFile = Path.Combine(_folder, "jobs.json");
        await File.WriteAllTextAsync(jobFile, JsonSerializer.Serialize(jobs));
        await Python.RunDebianAsync(SignScript, keyFile, jobFile);
        var signed = new Dictionary<(string, string, bool), byte[]>();
        foreach (var (job, (input, output)) in files)
            signed[job] = [.. await File.ReadAllBytesAsync(output), .. await File.ReadAllBytesAsync(input)];
        return signed;
    }

    /// <summary>dkimpy's verdict ("pass"/"fail") for each message, by key.</summary>
    private async Task<Dictionary<string, string>> VerifyWithDkimpyAsync(string record, Dictionary<string, byte[]> messages)
    {
        string recordFile = Path.Combine(_folder, "record-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(recordFile, record);
        return await DkimpyVerdicts.RunAsync(_folder, VerifyScript, recordFile, messages);
    }

    private static async Task<IReadOnlyList<DkimResult>> VerifyHereAsync(byte[] bytes)
    {
        var dns = new FakeDns().WithTxt("sel._domainkey.sender.test", TestSigning.KeyRecord);
        using var message = await MimeMessage.LoadAsync(new MemoryStream(bytes));
        return await new DkimMessageVerifier(new DnsDkimPublicKeyLocator(dns), TimeProvider.System).VerifyAsync(message, CancellationToken.None);
    }

    /// <summary>The offset of the first body octet (after the first empty line), or the length when there is none.</summary>
    private static int IndexOfBody(byte[] bytes)
    {
        int end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? bytes.Length : end + 4;
    }
}
