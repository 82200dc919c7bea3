using CloudMail.EndToEnd.Tests.Infrastructure;

namespace CloudMail.EndToEnd.Tests.Interop;

/// <summary>
/// Dovecot (Debian's dovecot-imapd) as the reference IMAP peer: the same 18 messages, from plain text to nested
/// multiparts, digests, forwarded messages, group and route addresses, encoded words, missing and absent boundaries,
/// are appended to CloudMail and to a real Dovecot, and 84 FETCH, SEARCH, SORT and THREAD commands must get the same
/// answers from both (<c>imap_compare.py</c>: ENVELOPE, BODY, BODYSTRUCTURE, body sections, sizes, search results,
/// sort orders, thread trees; case and quoting normalised). The cases where CloudMail answers otherwise on purpose are
/// listed in the script.
/// </summary>
public sealed class DovecotImapComparisonTests : IAsyncLifetime
{
    private const string User = "compare@example.test";
    private const string Password = "compare-secret-31";
    private readonly CloudMailProcess _cloudmail = new();
    private DovecotProcess? _dovecot;

    public async Task InitializeAsync()
    {
        await _cloudmail.StartWithUserAsync(User, Password);
        _dovecot = await DovecotProcess.StartAsync([(User, Password)]);
    }

    public async Task DisposeAsync()
    {
        if (_dovecot is not null) await _dovecot.DisposeAsync();
        await _cloudmail.DisposeAsync();
    }

    [Fact]
    public async Task Fetch_search_sort_and_thread_answer_as_dovecot_does()
    {
        string script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Interop", "imap_compare.py"));
        string output;
        try
        {
            output = await Python.RunAsync(script, _cloudmail.ListenAddress, _cloudmail.Imaps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _dovecot!.Address, _dovecot.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), User, Password);
        }
        catch (InvalidOperationException e)
        {
            throw new Xunit.Sdk.XunitException("CloudMail and Dovecot answered differently:\n" + e.Message + "\nDovecot log:\n" + _dovecot!.Log);
        }
        Assert.Contains("84 commands, 0 with different answers", output, StringComparison.Ordinal);
    }
}
