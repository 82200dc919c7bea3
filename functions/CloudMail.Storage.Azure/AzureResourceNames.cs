namespace CloudMail.Storage.Azure;

/// <summary>
/// Names that this code and the infrastructure (<c>infra/</c>, Bicep) must agree on: the blob container,
/// the tables, the Key Vault secrets and the configuration settings of every identity-based connection.
/// Queue names are <see cref="CloudMail.Core.Queue.QueueNames"/>. <c>tests/CloudMail.Infra.Tests</c> fails
/// when <c>infra/</c> does not declare exactly these, so change a name here and in
/// <c>infra/modules/names.bicep</c> (or the module that uses it) together.
/// </summary>
/// <remarks>
/// Setting names are written the way app settings and environment variables spell them, with <c>__</c>
/// between section and key (the Azure Functions convention); <see cref="ToConfigurationKey"/> gives the
/// <c>IConfiguration</c> key (<c>:</c>). Every connection accepts either a plain connection string in the
/// setting named by the prefix alone (local development, Azurite) or an endpoint plus a credential:
/// <c>__credential</c> = <see cref="ManagedIdentityCredential"/> and, for a user-assigned identity,
/// <c>__clientId</c>; without <c>__credential</c> the code uses <c>DefaultAzureCredential</c>.
/// </remarks>
public static class AzureResourceNames
{
    /// <summary>Blob container of raw MIME messages: one write-once blob per accepted message, named by message id.</summary>
    public const string MessagesContainer = "messages";

    /// <summary>Value of a <c>__credential</c> setting that selects managed identity.</summary>
    public const string ManagedIdentityCredential = "managedidentity";

    /// <summary>Converts an app-setting name (<c>A__b</c>) to its <c>IConfiguration</c> key (<c>A:b</c>).</summary>
    public static string ToConfigurationKey(string settingName) => settingName.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Azure Table names (letters and digits only, as Table storage requires).</summary>
    public static class Tables
    {
        /// <summary>Domains, accounts, password hashes, aliases, API key hashes.</summary>
        public const string Directory = "directory";

        /// <summary>Mailboxes and their messages (UID, flags, MODSEQ); one partition per mailbox.</summary>
        public const string MailboxIndex = "mailboxindex";

        /// <summary>Per message, per recipient delivery state; partition = message id.</summary>
        public const string DeliveryLog = "deliverylog";

        /// <summary>Intake markers of accepted, not yet routed messages (the stuck-intake sweep); partition = UTC hour recorded.</summary>
        public const string IntakeOutbox = "intakeledger";

        /// <summary>
        /// Outbound jobs not settled yet (the stuck-outbound sweep, <see cref="CloudMail.Core.Queue.OutboundLedger"/>);
        /// partition = UTC hour the job was due, row = job id. Written by the Functions app only.
        /// </summary>
        public const string OutboundLedger = "outboundledger";

        /// <summary>Per message blob, the accounts it was appended to (partition = blob id, row = account): whom to ask before deleting it.</summary>
        public const string BlobHolders = "blobholders";

        /// <summary>Blobs that lost a reference and may be reclaimable (partition = UTC hour they are due, row = blob id).</summary>
        public const string ReclaimCandidates = "reclaimcandidates";

        /// <summary>Fingerprints of send API requests per Idempotency-Key; partition = the message id derived from the key.</summary>
        public const string Idempotency = "idempotency";

        /// <summary>
        /// DKIM signing keys, partition = domain, row = selector: the Key Vault key id and public key of a non-exportable
        /// vault key (named with <see cref="KeyVaultSecrets.DkimKeyPrefix"/>), or, in older rows, the PEM private key.
        /// </summary>
        public const string DkimKeys = "dkimkeys";

        /// <summary>TLS report counts (RFC 8460) per UTC day: partition = day, rows per policy domain (written by the Functions app).</summary>
        public const string TlsReports = "tlsreports";

        /// <summary>Sender allow and block lists: partition = scope (server, domain or address), rows per entry (written by the admin commands).</summary>
        public const string SenderLists = "senderlists";

        /// <summary>Webhook subscriptions: partition = scope (domain or address), rows per subscription id (written by the admin commands).</summary>
        public const string Webhooks = "webhooks";

        /// <summary>DMARC aggregate report counts (RFC 7489 §7.2) per UTC day: partition = day, rows per policy domain (written by the listener's inbound check, read by the Functions app).</summary>
        public const string DmarcReports = "dmarcreports";

        /// <summary>
        /// Quarantined messages (found infected after they were accepted): partition = message id, one row each (written by
        /// the Functions app's inbound stage and by the administrator's release and delete).
        /// </summary>
        public const string Quarantine = "quarantine";


        /// <summary>Spam training signals of IMAP filings into and out of Junk: partition = account, rows newest first (written by the listener).</summary>
        public const string SpamTraining = "spamtraining";

        /// <summary>
        /// Greylisting triplets and client networks (port 25, when greylisting is on), shared by the listener's replicas:
        /// one partition per record, keyed by a hash (written by the listener).
        /// </summary>
        public const string Greylist = "greylist";

        /// <summary>Every table; infra declares exactly these.</summary>
        public static readonly IReadOnlyList<string> All = [Directory, MailboxIndex, DeliveryLog, IntakeOutbox, OutboundLedger, BlobHolders, ReclaimCandidates, Idempotency, DkimKeys, TlsReports, SenderLists, Webhooks, DmarcReports, Quarantine, SpamTraining, Greylist];
    }

    /// <summary>Secrets the code reads from the deployment's Key Vault.</summary>
    public static class KeyVaultSecrets
    {
        /// <summary>Password of the outbound smart-host relay (also referenced by <see cref="SmartHost.Password"/>).</summary>
        public const string SmartHostPassword = "smarthost-password";

        /// <summary>The SRS hash secret of the Functions app (referenced by <see cref="Routing.SrsSecret"/>).</summary>
        public const string SrsSecret = "srs-secret";

        /// <summary>
        /// Prefix of the DKIM signing keys (Key Vault keys, not secrets): <c>dkim-{domain}-{selector}</c> with every
        /// character other than a letter or digit as '-' (Key Vault names allow only letters, digits and '-').
        /// </summary>
        public const string DkimKeyPrefix = "dkim-";
    }

    /// <summary>Mail data: Blob (messages) and Table (directory, index, log) on one storage account.</summary>
    public static class StorageConnection
    {
        /// <summary>Connection name; as a setting of its own it holds a connection string (Azurite, local runs).</summary>
        public const string Name = "CloudMailStorage";

        public const string BlobServiceUri = Name + "__blobServiceUri";
        public const string TableServiceUri = Name + "__tableServiceUri";
        public const string Credential = Name + "__credential";
        public const string ClientId = Name + "__clientId";
    }

    /// <summary>The mail queue on Service Bus; also the <c>Connection</c> of the Service Bus triggers.</summary>
    public static class ServiceBusConnection
    {
        /// <summary>Connection name; as a setting of its own it holds a connection string.</summary>
        public const string Name = "CloudMailServiceBus";

        /// <summary>Namespace host name, <c>&lt;name&gt;.servicebus.windows.net</c>.</summary>
        public const string FullyQualifiedNamespace = Name + "__fullyQualifiedNamespace";
        public const string Credential = Name + "__credential";
        public const string ClientId = Name + "__clientId";
    }

    /// <summary>The deployment's Key Vault (TLS certificate, DKIM keys, smart-host password).</summary>
    public static class KeyVaultConnection
    {
        public const string Name = "CloudMailKeyVault";

        /// <summary>Vault URI, <c>https://&lt;name&gt;.vault.azure.net/</c>.</summary>
        public const string VaultUri = Name + "__vaultUri";
        public const string Credential = Name + "__credential";
        public const string ClientId = Name + "__clientId";
    }

    /// <summary>Routing settings of the Functions app (section <c>CloudMail:Routing</c>).</summary>
    public static class Routing
    {
        /// <summary>
        /// A Key Vault reference to <see cref="KeyVaultSecrets.SrsSecret"/>, resolved by the platform: every instance signs
        /// and verifies SRS addresses with the same secret.
        /// </summary>
        public const string SrsSecret = "CloudMail__Routing__SrsSecret";
    }

    /// <summary>
    /// Outbound smart-host relay (section <c>CloudMail:Delivery:SmartHost</c>). Azure blocks outbound port 25
    /// on most subscriptions, so remote delivery there goes through a relay on 587. Set on the Functions app only.
    /// </summary>
    public static class SmartHost
    {
        public const string Host = "CloudMail__Delivery__SmartHost__Host";
        public const string Port = "CloudMail__Delivery__SmartHost__Port";
        public const string Username = "CloudMail__Delivery__SmartHost__Username";

        /// <summary>A Key Vault reference to <see cref="KeyVaultSecrets.SmartHostPassword"/>, resolved by the platform.</summary>
        public const string Password = "CloudMail__Delivery__SmartHost__Password";
    }
}
