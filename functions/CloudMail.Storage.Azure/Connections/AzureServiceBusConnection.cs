using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure.Connections;

/// <summary>
/// Which Service Bus namespace carries the mail queue, read from configuration in the Azure Functions
/// connection shapes (setting names: <see cref="AzureResourceNames.ServiceBusConnection"/>):
/// <c>CloudMailServiceBus</c> = a connection string, or <c>CloudMailServiceBus__fullyQualifiedNamespace</c>
/// (<c>&lt;name&gt;.servicebus.windows.net</c>) with the credential from <c>__credential</c>/<c>__clientId</c>
/// (<see cref="AzureCredentials"/>). The same setting names are the <c>Connection</c> of the Service Bus triggers.
/// The connection string is never logged.
/// </summary>
public sealed class AzureServiceBusConnection
{
    private readonly string? _connectionString;

    private AzureServiceBusConnection(string? connectionString, string? fullyQualifiedNamespace, TokenCredential? credential, string credentialKind)
    {
        _connectionString = connectionString;
        FullyQualifiedNamespace = fullyQualifiedNamespace;
        Credential = credential;
        CredentialKind = credentialKind;
    }

    /// <summary>Namespace host of the identity-based shape (null with a connection string).</summary>
    public string? FullyQualifiedNamespace { get; }

    public TokenCredential? Credential { get; }

    public string CredentialKind { get; }

    public bool UsesConnectionString => _connectionString is not null;

    /// <summary>Reads the settings. Throws <see cref="InvalidOperationException"/> naming the settings when neither shape is set.</summary>
    public static AzureServiceBusConnection FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(AzureResourceNames.ServiceBusConnection.Name);
        if (AzureCredentials.NonEmpty(section.Value) is { } connectionString)
        {
            return new AzureServiceBusConnection(connectionString, null, null, "connection string");
        }
        string? fullyQualifiedNamespace = AzureCredentials.NonEmpty(
            configuration[AzureResourceNames.ToConfigurationKey(AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace)]);
        if (fullyQualifiedNamespace is null)
        {
            throw new InvalidOperationException(
                $"Service Bus is not configured: set {AzureResourceNames.ServiceBusConnection.Name} to a connection string, or set " +
                $"{AzureResourceNames.ServiceBusConnection.FullyQualifiedNamespace} (with {AzureResourceNames.ServiceBusConnection.Credential}=" +
                $"{AzureResourceNames.ManagedIdentityCredential} for managed identity, or unset for DefaultAzureCredential).");
        }
        (TokenCredential credential, string kind) = AzureCredentials.Create(section);
        return new AzureServiceBusConnection(null, fullyQualifiedNamespace, credential, kind);
    }

    public ServiceBusClient CreateClient(ServiceBusClientOptions? options = null) =>
        _connectionString is not null
            ? new ServiceBusClient(_connectionString, options ?? new ServiceBusClientOptions())
            : new ServiceBusClient(FullyQualifiedNamespace, Credential, options ?? new ServiceBusClientOptions());

    /// <summary>Namespace and credential kind, for logs.</summary>
    public string Description
    {
        get
        {
            string host = FullyQualifiedNamespace ?? ServiceBusConnectionStringProperties.Parse(_connectionString!).FullyQualifiedNamespace;
            return $"namespace {host} via {CredentialKind}";
        }
    }
}
