using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure.Connections;

/// <summary>
/// The credential of an identity-based connection, from its <c>__credential</c> and <c>__clientId</c> settings (the
/// Azure Functions shapes): <c>credential=managedidentity</c> selects <see cref="ManagedIdentityCredential"/>
/// (user-assigned when <c>clientId</c> is set, else system-assigned); no <c>credential</c> selects
/// <see cref="DefaultAzureCredential"/> (environment, workload identity, managed identity with <c>clientId</c>,
/// developer tools). Any other value is a configuration error.
/// </summary>
public static class AzureCredentials
{
    /// <summary>
    /// Reads <c>{connection}:credential</c> and <c>{connection}:clientId</c> from <paramref name="connection"/>.
    /// Throws <see cref="InvalidOperationException"/> for an unknown credential kind.
    /// </summary>
    public static (TokenCredential Credential, string Description) Create(IConfigurationSection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string? kind = NonEmpty(connection["credential"]);
        string? clientId = NonEmpty(connection["clientId"]);
        if (kind is null)
        {
            return (new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId }),
                clientId is null ? "DefaultAzureCredential" : $"DefaultAzureCredential (managed identity client id {clientId})");
        }
        if (!string.Equals(kind, AzureResourceNames.ManagedIdentityCredential, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{connection.Path.Replace(":", "__", StringComparison.Ordinal)}__credential is '{kind}'; use '{AzureResourceNames.ManagedIdentityCredential}' or leave it unset for DefaultAzureCredential.");
        }
        return clientId is null
            ? (new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned), "managed identity (system-assigned)")
            : (new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)), $"managed identity (client id {clientId})");
    }

    internal static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
