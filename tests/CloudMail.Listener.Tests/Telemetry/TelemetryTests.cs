using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using CloudMail.Core.Telemetry;
using CloudMail.Listener.Network;
using CloudMail.Listener.Tests.Infrastructure;
using CloudMail.Listener.Tests.Smtp;

namespace CloudMail.Listener.Tests.Telemetry;

/// <summary>
/// Traces and metrics of a message through the embedded server: the accept span and the stage span share one trace
/// (the job carries the trace context), the counters move, and with an OTLP endpoint configured the spans reach a real
/// HTTP receiver on loopback.
/// </summary>
public sealed class TelemetryTests
{
    private static async Task<string> SendAsync(TestServer server, string recipient, string subject)
    {
        await using var client = await RawSmtpClient.ConnectAndEhloAsync(server.Port(EndpointKind.Smtp));
        Assert.Equal(250, (await client.CommandAsync("MAIL FROM:<a@remote.test>")).Code);
        Assert.Equal(250, (await client.CommandAsync($"RCPT TO:<{recipient}>")).Code);
        Assert.Equal(354, (await client.CommandAsync("DATA")).Code);
        var reply = await client.CommandAsync($"Subject: {subject}\r\n\r\nhello\r\n.");
        Assert.Equal(250, reply.Code);
        return reply.ToString().Split(' ')[^1]; // "250 2.0.0 Ok: queued as ID"
    }

    [Fact]
    public async Task The_stage_span_continues_the_trace_of_the_accept_span_and_the_counters_count_the_message()
    {
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == CloudMailTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);
        var counted = new ConcurrentBag<(string Instrument, string? Tag)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == CloudMailTelemetry.Name) l.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            counted.Add((instrument.Name, tags.Length > 0 ? tags[0].Value?.ToString() : null)));
        meters.Start();

        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?> { ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100" });
        string user = await SmtpServerFixture.NewUserAsync(server);
        string messageId = await SendAsync(server, user, "traced");
        await SmtpServerFixture.SingleDeliveredAsync(server, user);

        Activity? accept = null, stage = null;
        for (int i = 0; i < 50 && (accept is null || stage is null); i++)
        {
            accept = spans.FirstOrDefault(a => a.OperationName == "smtp.accept" && (string?)a.GetTagItem("cloudmail.message_id") == messageId);
            stage = spans.FirstOrDefault(a => a.OperationName == "stage.inbound" && (string?)a.GetTagItem("cloudmail.message_id") == messageId);
            if (accept is null || stage is null) await Task.Delay(100);
        }
        Assert.NotNull(accept);
        Assert.NotNull(stage);
        Assert.Equal(accept.TraceId, stage.TraceId);
        Assert.Equal(accept.SpanId, stage.ParentSpanId);
        meters.RecordObservableInstruments();
        Assert.Contains(("cloudmail.messages.accepted", "smtp"), counted);
        Assert.Contains(("cloudmail.messages.routed", "inbox"), counted);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task With_an_otlp_endpoint_the_spans_are_exported_over_http()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        int port = FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var serving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try { context = await receiver.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        string messageId;
        await using (var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}",
            ["CloudMail:Telemetry:ServiceName"] = "cloudmail-test",
        }))
        {
            string user = await SmtpServerFixture.NewUserAsync(server);
            messageId = await SendAsync(server, user, "exported");
            await SmtpServerFixture.SingleDeliveredAsync(server, user);
        } // disposing the host flushes the exporters

        var traces = received.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, t => Assert.Equal("application/x-protobuf", t.ContentType));
        byte[] id = Encoding.ASCII.GetBytes(messageId);
        Assert.Contains(traces, t => t.Body.AsSpan().IndexOf(id) >= 0);
        Assert.Contains(traces, t => t.Body.AsSpan().IndexOf("cloudmail-test"u8) >= 0);
        receiver.Stop();
        await serving;
    }

    [Fact]
    public async Task With_a_prometheus_endpoint_the_counters_are_served_for_scraping_in_the_text_format()
    {
        int port = FreePort();
        await using var server = await SmtpServerFixture.StartAsync(new Dictionary<string, string?>
        {
            ["CloudMail:Telemetry:PrometheusEndpoint"] = $"127.0.0.1:{port}",
            ["CloudMail:Pipeline:PollInterval"] = "00:00:00.100",
        });
        string user = await SmtpServerFixture.NewUserAsync(server);
        await SendAsync(server, user, "scraped");
        await SmtpServerFixture.SingleDeliveredAsync(server, user);

        using var http = new HttpClient();
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
        string page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // The meter is the process's: servers of other tests in this process count too, so any positive count will do.
        Assert.Matches("""(?m)^cloudmail_messages_accepted_total\{[^}]*via="smtp"[^}]*\} [1-9]""", page);
        Assert.Matches("""(?m)^cloudmail_messages_routed_total\{[^}]*to="inbox"[^}]*\} [1-9]""", page);
    }
}
