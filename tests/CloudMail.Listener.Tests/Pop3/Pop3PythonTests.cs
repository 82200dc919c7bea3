using System.Text.Json;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pop3;

/// <summary>Python's poplib (a real, independent client) against the real server, run as a subprocess.</summary>
[Collection(Pop3ServerCollection.Name)]
public sealed class Pop3PythonTests(Pop3ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private const string Script = """
        import base64, json, poplib, ssl, sys
        mode, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
        ctx = ssl._create_unverified_context()
        out = {}
        if mode == "ssl":
            p = poplib.POP3_SSL("127.0.0.1", port, context=ctx, timeout=10)
        else:
            p = poplib.POP3("127.0.0.1", port, timeout=10)
            out["capa_before"] = sorted(p.capa().keys())
            try:
                p.user(user)
                out["user_before_tls"] = "accepted"
            except poplib.error_proto as e:
                out["user_before_tls"] = e.args[0].decode()
            p.stls(ctx)
        out["capa"] = sorted(p.capa().keys())
        p.user(user)
        p.pass_(password)
        out["stat"] = list(p.stat())
        out["list"] = [l.decode() for l in p.list()[1]]
        out["uidl"] = [l.decode() for l in p.uidl()[1]]
        resp, lines, octets = p.retr(1)
        out["retr"] = base64.b64encode(b"".join(l + b"\r\n" for l in lines)).decode()
        resp, lines, octets = p.top(1, 1)
        out["top"] = [l.decode("latin-1") for l in lines]
        out["dele"] = p.dele(1).decode()
        out["quit"] = p.quit().decode()
        print(json.dumps(out))
        """;

    [Theory]
    [InlineData("ssl")]
    [InlineData("stls")]
    public async Task Poplib_reads_and_deletes_like_any_client(string mode)
    {
        string user = await Pop3TestMail.NewUserAsync(Server, "py");
        byte[] first = Pop3TestMail.Message("from python", "line 1\r\n.dotted line\r\nline 3\r\n");
        byte[] second = Pop3TestMail.Message("second", "x\r\n");
        await Pop3TestMail.AppendAsync(Server, user, first);
        uint keep = await Pop3TestMail.AppendAsync(Server, user, second);
        int port = mode == "ssl" ? fixture.Pop3sPort : fixture.Pop3Port;

        using var result = JsonDocument.Parse(await RunPythonAsync(mode, port, user, Pop3TestMail.Password));
        var root = result.RootElement;

        if (mode == "stls")
        {
            var before = root.GetProperty("capa_before").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Contains("STLS", before);
            Assert.DoesNotContain("USER", before);
            Assert.StartsWith("-ERR [AUTH]", root.GetProperty("user_before_tls").GetString());
        }
        var capa = root.GetProperty("capa").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("USER", capa);
        Assert.Contains("UIDL", capa);
        Assert.DoesNotContain("STLS", capa);

        Assert.Equal(2, root.GetProperty("stat")[0].GetInt32());
        Assert.Equal(first.Length + second.Length, root.GetProperty("stat")[1].GetInt32());
        Assert.Equal([$"1 {first.Length}", $"2 {second.Length}"], root.GetProperty("list").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, root.GetProperty("uidl").GetArrayLength());
        Assert.Equal(first, Convert.FromBase64String(root.GetProperty("retr").GetString()!));
        var top = root.GetProperty("top").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["", "line 1"], top[^2..]);
        Assert.Contains("Subject: from python", top);
        Assert.StartsWith("+OK", root.GetProperty("dele").GetString());
        Assert.StartsWith("+OK", root.GetProperty("quit").GetString());

        Assert.Equal([keep], await Pop3TestMail.InboxUidsAsync(Server, user));
    }

    private static Task<string> RunPythonAsync(params object[] args) =>
        Python.RunAsync(Script, [.. args.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)!)]);
}
