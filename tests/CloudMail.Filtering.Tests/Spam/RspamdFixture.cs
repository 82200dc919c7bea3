namespace CloudMail.Filtering.Tests.Spam;

/// <summary>One real rspamd (<see cref="RspamdProcess"/>) for every test of the "rspamd" collection: starting it is slow.</summary>
public sealed class RspamdFixture : IAsyncLifetime
{
    public RspamdProcess Rspamd { get; private set; } = null!;

    public async Task InitializeAsync() => Rspamd = await RspamdProcess.StartAsync();

    public async Task DisposeAsync() => await Rspamd.DisposeAsync();
}

[CollectionDefinition("rspamd")]
public sealed class RspamdCollection : ICollectionFixture<RspamdFixture>;
