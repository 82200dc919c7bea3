using System.Net;
using System.Text;
using CloudMail.Core.Filtering.Training;
using CloudMail.Core.Messages;

namespace CloudMail.Filtering.Spam;

/// <summary>How a learn request ended.</summary>
public enum RspamdLearnOutcome
{
    /// <summary>rspamd learned it (200), or had learned that message as that class already.</summary>
    Learned,

    /// <summary>rspamd will not learn it (too few tokens, refused): trying again would not help.</summary>
    Refused,

    /// <summary>rspamd could not be reached, timed out, failed (5xx) or refused the password: try again later.</summary>
    Unavailable,
}

/// <summary>
/// rspamd's HTTP API: <c>POST /checkv2</c> on the normal worker with the envelope as headers (<c>From</c>, one <c>Rcpt</c>
/// per recipient, <c>IP</c>, <c>Helo</c>, <c>User</c> for an authenticated sender) and the message as the body; <c>POST
/// /learnspam</c> and <c>/learnham</c> on the controller with the <c>Password</c> header. Header values are sent as UTF-8
/// with control characters removed. Socket failures, timeouts and HTTP errors of a check surface as exceptions (rspamd
/// unavailable); a learn classifies its own failure (<see cref="RspamdLearnOutcome"/>).
/// </summary>
public sealed class RspamdClient(RspamdOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false, // rspamd runs beside the server: never through a system proxy
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public RspamdOptions Options { get; } = options;

    /// <summary>Scores <paramref name="message"/>; null when rspamd's answer is not a <c>/checkv2</c> reply.</summary>
    public async Task<RspamdReply?> CheckAsync(Envelope envelope, Stream message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(Options.Url, "checkv2")) { Content = new StreamContent(message) };
        AddHeader(request, "From", envelope.MailFrom.Length == 0 ? "<>" : envelope.MailFrom);
        foreach (string recipient in envelope.Recipients) AddHeader(request, "Rcpt", recipient);
        AddHeader(request, "IP", envelope.RemoteAddress);
        if (envelope.HeloName.Length > 0) AddHeader(request, "Helo", envelope.HeloName);
        if (envelope.AuthenticatedUser is { Length: > 0 } user) AddHeader(request, "User", user);
        AddPassword(request);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return RspamdReply.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Teaches <paramref name="message"/> as <paramref name="kind"/>; the reason goes with every outcome but Learned.</summary>
    public async Task<(RspamdLearnOutcome Outcome, string Detail)> LearnAsync(TrainingKind kind, Stream message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(Options.ControllerUrl, kind == TrainingKind.Spam ? "learnspam" : "learnham"))
        {
            Content = new StreamContent(message),
        };
        AddPassword(request);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string detail = $"{(int)response.StatusCode} {Shorten(body)}".TrimEnd();
        return response.StatusCode switch
        {
            HttpStatusCode.OK => (RspamdLearnOutcome.Learned, detail),
            // rspamd 3.x answers 404 "<id> has been already learned as spam, ignore it" for a message it knows.
            HttpStatusCode.NotFound or HttpStatusCode.AlreadyReported when body.Contains("already learned", StringComparison.OrdinalIgnoreCase)
                => (RspamdLearnOutcome.Learned, detail),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => (RspamdLearnOutcome.Unavailable, detail + " (check CloudMail:Spam:Rspamd:Password)"),
            HttpStatusCode.NoContent => (RspamdLearnOutcome.Refused, "204 rspamd skipped it (too few tokens to learn)"),
            >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => (RspamdLearnOutcome.Unavailable, detail),
            _ => (RspamdLearnOutcome.Refused, detail),
        };
    }

    public void Dispose() => _http.Dispose();

    private void AddPassword(HttpRequestMessage request)
    {
        if (Options.Password.Length > 0) AddHeader(request, "Password", Options.Password);
    }

    private static Uri Endpoint(string baseUrl, string path) => new(baseUrl.TrimEnd('/') + "/" + path);

    private static void AddHeader(HttpRequestMessage request, string name, string value) =>
        request.Headers.TryAddWithoutValidation(name, new string([.. value.Where(c => !char.IsControl(c))]));

    private static string Shorten(string body)
    {
        string flat = new([.. body.Where(c => !char.IsControl(c))]);
        return flat.Length <= 200 ? flat : flat[..200];
    }
}
