namespace CloudMail.Listener.Tests.Azure;

/// <summary>The Azurite these tests run against (see <see cref="AzuriteProcess"/>; own instance state: listener-tests).</summary>
public static class AzuriteInstance
{
    private static readonly Lazy<Task<string>> Shared = new(() => AzuriteProcess.ConnectionStringAsync("listener-tests"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The connection string of a running Azurite.</summary>
    public static Task<string> ConnectionStringAsync() => Shared.Value;
}
