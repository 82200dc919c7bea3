using CloudMail.Core.Messages;

namespace CloudMail.ContractTests;

/// <summary>
/// Fresh names for every test, so the suite runs against a shared, non-empty store (Azurite, a developer's
/// data folder) and in parallel without tests seeing each other's data.
/// </summary>
public static class Unique
{
    public static string Suffix() => Guid.NewGuid().ToString("N")[..16];

    public static string Domain() => $"d{Suffix()}.contract.test";

    public static string Account() => $"u{Suffix()}@contract.test";

    public static string Address(string domain) => $"u{Suffix()}@{domain}";

    /// <summary>A message id / blob id in the shape <see cref="MessageIds.New"/> produces.</summary>
    public static string MessageId() => MessageIds.New();
}
