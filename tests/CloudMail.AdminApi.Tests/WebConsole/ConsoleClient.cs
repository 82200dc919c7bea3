using System.Net;
using System.Text.RegularExpressions;

namespace CloudMail.AdminApi.Tests.WebConsole;

/// <summary>
/// A cookie-aware client of the web console that keeps its cookies by hand (no cookie container, no redirects followed), so
/// that tests see every Set-Cookie and status as the server sent it.
/// </summary>
public sealed partial class ConsoleClient(HttpClient http) : IDisposable
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public HttpClient Http { get; } = http;

    /// <summary>A client on the server's HTTP port that neither follows redirects nor stores cookies on its own.</summary>
    public static ConsoleClient For(Uri baseAddress, bool acceptAnyCertificate = false)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        if (acceptAnyCertificate) handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        return new ConsoleClient(new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>The cookie's value as the server last set it; null when unset or deleted.</summary>
    public string? Cookie(string name) => _cookies.GetValueOrDefault(name);

    /// <summary>Drops every cookie (a different browser).</summary>
    public void ForgetCookies() => _cookies.Clear();

    public async Task<HttpResponseMessage> GetAsync(string path) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>Posts a form; <paramref name="csrf"/> is put in as the <c>csrf</c> field when given.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string? csrf, params (string Name, string Value)[] fields)
    {
        var all = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (csrf is not null) all.Add(new("csrf", csrf));
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(all) });
    }

    /// <summary>Signs in with <paramref name="key"/> through the form (its CSRF token and cookie) and returns the answer to the POST.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var form = await GetAsync("/admin/sign-in");
        return await PostAsync("/admin/sign-in", CsrfOf(await form.Content.ReadAsStringAsync()), ("key", key));
    }

    /// <summary>The CSRF token of the first form of the page at <paramref name="path"/>.</summary>
    public async Task<string> CsrfOfPageAsync(string path)
    {
        var response = await GetAsync(path);
        string html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return CsrfOf(html);
    }

    public static string CsrfOf(string html) => CsrfField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no CSRF field in " + html);

    /// <summary>Every Set-Cookie line of a response for <paramref name="name"/>.</summary>
    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values.Where(v => v.StartsWith(name + "=", StringComparison.Ordinal))] : [];

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
        var response = await Http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (string line in setCookies)
            {
                string pair = line.Split(';')[0];
                int eq = pair.IndexOf('=');
                string name = pair[..eq], value = pair[(eq + 1)..];
                if (value.Length == 0 || line.Contains("Max-Age=0", StringComparison.Ordinal)) _cookies.Remove(name);
                else _cookies[name] = value;
            }
        }
        return response;
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
