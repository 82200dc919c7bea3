using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace CloudMail.Storage.Azure.Connections;

/// <summary>
/// Where the mail data lives (Blob + Table on one storage account), read from configuration in the Azure
/// Functions connection shapes (setting names: <see cref="AzureResourceNames.StorageConnection"/>):
/// <list type="bullet">
/// <item><c>CloudMailStorage</c> = a connection string: <c>UseDevelopmentStorage=true</c> (Azurite on its default
/// ports), an Azurite string with explicit <c>BlobEndpoint</c>/<c>TableEndpoint</c>, or an account key string;</item>
/// <item>or <c>CloudMailStorage__blobServiceUri</c> + <c>CloudMailStorage__tableServiceUri</c>, with the credential
/// from <c>CloudMailStorage__credential</c>/<c>__clientId</c> (<see cref="AzureCredentials"/>).</item>
/// </list>
/// A connection string wins when both are present. The connection string is never logged;
/// <see cref="Description"/> names only endpoints and the credential kind.
/// </summary>
public sealed class AzureStorageConnection
{
    private readonly string? _connectionString;

    private AzureStorageConnection(string? connectionString, Uri? blobServiceUri, Uri? tableServiceUri, TokenCredential? credential, string credentialKind)
    {
        _connectionString = connectionString;
        BlobServiceUri = blobServiceUri;
        TableServiceUri = tableServiceUri;
        Credential = credential;
        CredentialKind = credentialKind;
    }

    /// <summary>Blob endpoint of the identity-based shape (null with a connection string).</summary>
    public Uri? BlobServiceUri { get; }

    /// <summary>Table endpoint of the identity-based shape (null with a connection string).</summary>
    public Uri? TableServiceUri { get; }

    /// <summary>The token credential of the identity-based shape (null with a connection string).</summary>
    public TokenCredential? Credential { get; }

    /// <summary>"connection string", "managed identity (…)" or "DefaultAzureCredential…".</summary>
    public string CredentialKind { get; }

    public bool UsesConnectionString => _connectionString is not null;

    /// <summary>
    /// Reads the settings. Throws <see cref="InvalidOperationException"/> naming the missing settings when neither
    /// shape is complete, or when a service URI is not an absolute URI.
    /// </summary>
    public static AzureStorageConnection FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(AzureResourceNames.StorageConnection.Name);
        if (AzureCredentials.NonEmpty(section.Value) is { } connectionString)
        {
            return new AzureStorageConnection(connectionString, null, null, null, "connection string");
        }
        Uri? blob = ReadUri(configuration, AzureResourceNames.StorageConnection.BlobServiceUri);
        Uri? table = ReadUri(configuration, AzureResourceNames.StorageConnection.TableServiceUri);
        if (blob is null || table is null)
        {
            throw new InvalidOperationException(
                $"Azure Storage is not configured: set {AzureResourceNames.StorageConnection.Name} to a connection string " +
                $"(e.g. UseDevelopmentStorage=true for Azurite), or set {AzureResourceNames.StorageConnection.BlobServiceUri} and " +
                $"{AzureResourceNames.StorageConnection.TableServiceUri} (with {AzureResourceNames.StorageConnection.Credential}={AzureResourceNames.ManagedIdentityCredential} " +
                "for managed identity, or unset for DefaultAzureCredential).");
        }
        (TokenCredential credential, string kind) = AzureCredentials.Create(section);
        return new AzureStorageConnection(null, blob, table, credential, kind);
    }

    /// <summary>
    /// A Blob client over this connection with <paramref name="options"/> (defaults when null) plus
    /// <see cref="AzureFailures.Policy"/>, so the adapters over it throw transient failures as
    /// <see cref="Core.Failures.TransientStorageException"/>.
    /// </summary>
    public BlobServiceClient CreateBlobServiceClient(BlobClientOptions? options = null)
    {
        options = AzureFailures.WithTransientFailureMapping(options ?? new BlobClientOptions());
        return _connectionString is not null ? new BlobServiceClient(_connectionString, options) : new BlobServiceClient(BlobServiceUri, Credential, options);
    }

    /// <summary>A Table client, as <see cref="CreateBlobServiceClient"/> makes a Blob client.</summary>
    public TableServiceClient CreateTableServiceClient(TableClientOptions? options = null)
    {
        options = AzureFailures.WithTransientFailureMapping(options ?? new TableClientOptions());
        return _connectionString is not null ? new TableServiceClient(_connectionString, options) : new TableServiceClient(TableServiceUri, Credential, options);
    }

    /// <summary>Endpoints (without any query string, so no SAS) and credential kind, for logs.</summary>
    public string Description =>
        $"blob {Endpoint(CreateBlobServiceClient().Uri)}, table {Endpoint(CreateTableServiceClient().Uri)} via {CredentialKind}";

    internal static string Endpoint(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private static Uri? ReadUri(IConfiguration configuration, string settingName)
    {
        string? value = AzureCredentials.NonEmpty(configuration[AzureResourceNames.ToConfigurationKey(settingName)]);
        if (value is null) return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri)) throw new InvalidOperationException($"{settingName} is not an absolute URI.");
        return uri;
    }
}
