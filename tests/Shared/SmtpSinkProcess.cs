using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CloudMail.Tests.Shared;

/// <summary>
/// Postfix's <c>smtp-sink</c> on one loopback address and port: an SMTP peer that accepts everything (or fails the
/// commands its options name: <c>-f RCPT</c> hard, <c>-r RCPT</c> soft, <c>-q MAIL</c> disconnect, <c>-8</c> no
/// 8BITMIME, <c>-N</c> no DSN; see smtp-sink(1)) and dumps each transaction to a file. Runs as <c>postfix</c>
/// (<c>-u postfix</c>, needed as root); stopped by PID on dispose. A missing smtp-sink fails the test.
/// </summary>
public sealed class SmtpSinkProcess : IAsyncDisposable
{
    private const string SinkPath = "/usr/sbin/smtp-sink";
    private readonly Process _process;
    private readonly string _dumps;

    private SmtpSinkProcess(Process process, string address, int port, string dumps)
    {
        _process = process;
        Address = address;
        Port = port;
        _dumps = dumps;
    }

    /// <summary>The loopback address it listens on.</summary>
    public string Address { get; }

    /// <summary>The TCP port it listens on.</summary>
    public int Port { get; }

    /// <summary>A TCP port free on <paramref name="address"/> now (for <c>CloudMail:Delivery:MxPort</c> shared by several sinks).</summary>
    public static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts smtp-sink on <paramref name="address"/>:<paramref name="port"/> with <paramref name="options"/>; returns once it accepts connections.</summary>
    public static async Task<SmtpSinkProcess> StartAsync(string address, int port, params string[] options)
    {
        if (!File.Exists(SinkPath)) throw new InvalidOperationException($"smtp-sink is not installed ({SinkPath}); build/test.sh installs postfix");
        string dumps = System.IO.Directory.CreateTempSubdirectory("cloudmail-sink-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dumps, (UnixFileMode)0x1FF); // smtp-sink writes as postfix
        var psi = new ProcessStartInfo(SinkPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-u", "postfix", "-d", Path.Combine(dumps, "%Y%m%d%H%M%S.") }) psi.ArgumentList.Add(a);
        foreach (string o in options) psi.ArgumentList.Add(o);
        psi.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"{address}:{port}"));
        psi.ArgumentList.Add("64");
        var sink = new SmtpSinkProcess(Process.Start(psi)!, address, port, dumps);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (sink._process.HasExited)
                throw new InvalidOperationException($"smtp-sink exited ({sink._process.ExitCode}): {await sink._process.StandardError.ReadToEndAsync()}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Parse(address), port);
                return sink;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Every transaction dumped so far, oldest first.</summary>
    public IReadOnlyList<SinkMessage> Messages() =>
        new DirectoryInfo(_dumps).GetFiles().OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => SinkMessage.Parse(File.ReadAllText(f.FullName))).ToList();

    /// <summary>Waits for a transaction whose message contains <paramref name="text"/>.</summary>
    public async Task<SinkMessage> WaitForMessageAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Messages().FirstOrDefault(m => m.Content.Contains(text, StringComparison.Ordinal));
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"smtp-sink at {Address}:{Port} got no message containing '{text}' in {timeout}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { System.IO.Directory.Delete(_dumps, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// One transaction as smtp-sink dumped it: the EHLO, MAIL and RCPT arguments, and the message with LF line ends (the
/// dump format's; dot-stuffing already undone).
/// </summary>
public sealed record SinkMessage(string HeloArgs, string MailArgs, IReadOnlyList<string> RcptArgs, string Content)
{
    /// <summary>Parses smtp-sink's dump format (its X- records, its three-line Received header, the message, a blank line).</summary>
    public static SinkMessage Parse(string dump)
    {
        string[] lines = dump.Split('\n');
        string helo = "", mail = "";
        var rcpts = new List<string>();
        int i = 0;
        for (; i < lines.Length && !lines[i].StartsWith("Received:", StringComparison.Ordinal); i++)
        {
            string line = lines[i];
            if (Value(line, "X-Helo-Args: ") is { } h) helo = h;
            else if (Value(line, "X-Mail-Args: ") is { } m) mail = m;
            else if (Value(line, "X-Rcpt-Args: ") is { } r) rcpts.Add(r);
        }
        for (i++; i < lines.Length && lines[i].StartsWith('\t'); i++)
        {
        }
        string content = string.Join('\n', lines.Skip(i));
        // The dump ends with the message's last line break, then an empty line of its own.
        if (content.EndsWith("\n\n", StringComparison.Ordinal)) content = content[..^1];
        return new SinkMessage(helo, mail, rcpts, content);
    }

    private static string? Value(string line, string prefix) => line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : null;
}
