using CloudMail.Core.Routing;
using CloudMail.Storage.Embedded.Files;
using CloudMail.Storage.Embedded.Tests.Support;
using Microsoft.Extensions.Options;

namespace CloudMail.Storage.Embedded.Tests.Files;

/// <summary>The embedded host's SRS secret: generated once into the data folder (0600), the same after a restart, a configured one wins.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SrsSecretFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string Data => Path.Combine(_folder.Path, "data");

    private static SrsRewriter Rewriter(SrsSecret secret) => new(secret, Options.Create(new RoutingOptions()), TimeProvider.System);

    [Fact]
    public void A_generated_secret_is_private_and_survives_a_restart()
    {
        string srs = Rewriter(SrsSecretFile.Load(Data, "")).Forward("alice@remote.test", "fwd.test");

        string path = Path.Combine(Data, SrsSecretFile.FileName);
        Assert.Equal(DataFolder.PrivateFileMode, File.GetUnixFileMode(path));
        Assert.Equal(SrsVerdict.Valid, Rewriter(SrsSecretFile.Load(Data, null)).Reverse(srs).Verdict);
        Assert.Equal(SrsVerdict.Forged, Rewriter(SrsSecretFile.Load(Path.Combine(_folder.Path, "other"), null)).Reverse(srs).Verdict);
    }

    [Fact]
    public void A_configured_secret_is_used_and_nothing_is_written()
    {
        const string Configured = "configured secret, long enough";
        string srs = Rewriter(SrsSecretFile.Load(Data, Configured)).Forward("alice@remote.test", "fwd.test");

        Assert.False(File.Exists(Path.Combine(Data, SrsSecretFile.FileName)));
        Assert.Equal(SrsVerdict.Valid, Rewriter(SrsSecret.From(Configured)).Reverse(srs).Verdict);
    }

    public void Dispose() => _folder.Dispose();
}
