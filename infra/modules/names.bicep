// Names that the C# code and the infrastructure must agree on. The code's side lives in
// functions/CloudMail.Core/Queue/MailJob.cs (QueueNames) and
// functions/CloudMail.Storage.Azure/AzureResourceNames.cs; tests/CloudMail.Infra.Tests fails the
// build when the two drift apart. Change a name in both places or in neither.

@export()
@description('QueueNames.Inbound: accepted messages waiting for filtering and routing.')
var inboundQueueName = 'inbound'

@export()
@description('QueueNames.Outbound: messages for remote recipients waiting for SMTP delivery.')
var outboundQueueName = 'outbound'

@export()
@description('QueueNames.Events: mail events waiting to be POSTed to webhook subscribers.')
var eventsQueueName = 'events'

@export()
@description('QueueNames.All: every Service Bus queue the pipeline uses; infra declares exactly these.')
var queueNames = [
  inboundQueueName
  outboundQueueName
  eventsQueueName
]

@export()
@description('AzureResourceNames.MessagesContainer: raw MIME, one write-once blob per accepted message.')
var messagesContainerName = 'messages'

@export()
@description('AzureResourceNames.Tables.Directory: domains, accounts, aliases, API key hashes. Read at run time, written only by the administrator (`cloudmail` admin commands).')
var directoryTableName = 'directory'

@export()
@description('AzureResourceNames.Tables.DkimKeys: DKIM signing keys. Read by the Functions app (signing outbound mail), written only by the administrator (`cloudmail dkim`); never readable by the listener.')
var dkimKeysTableName = 'dkimkeys'

@export()
@description('AzureResourceNames.Tables.SenderLists: sender allow and block lists. Read by the listener (RCPT on port 25) and the Functions app (Junk filing), written only by the administrator (`cloudmail allow|block`).')
var senderListsTableName = 'senderlists'

@export()
@description('AzureResourceNames.Tables.Webhooks: webhook subscriptions (URLs and signing secrets). Read by the Functions app (publishing and posting mail events), written only by the administrator (`cloudmail webhook`); never readable by the listener.')
var webhooksTableName = 'webhooks'

@export()
@description('Tables the listener writes: mailbox index (IMAP/POP3 flags, appends, expunges), intake markers (each accepted message), blob holders and reclaim candidates (appends and expunges), spam training signals (IMAP filings into and out of Junk, and their learning state), greylisting triplets (port 25, shared by the replicas). roles.bicep grants the listener these and read on directory, nothing else. Literal lists (the infra tests read them): InfraNamesTests checks each against AzureResourceNames.Tables.')
var listenerWrittenTables = [
  'mailboxindex'
  'intakeledger'
  'blobholders'
  'reclaimcandidates'
  'dmarcreports'
  'spamtraining'
  'greylist'
]

@export()
@description('Tables the Functions app writes: the listener\'s, plus the delivery log (routing, delivery), the outbound ledger (stuck-outbound sweep), send API idempotency keys, TLS report counts (outbound delivery, the daily TLS report timer), DMARC report counts (the daily DMARC report timer) and the quarantine (the inbound stage\'s virus scan; release and delete through the admin API).')
var functionsWrittenTables = [
  'mailboxindex'
  'intakeledger'
  'blobholders'
  'reclaimcandidates'
  'deliverylog'
  'outboundledger'
  'idempotency'
  'tlsreports'
  'dmarcreports'
  'quarantine'
]

@export()
@description('AzureResourceNames.Tables.All: directory, mailbox index, delivery log, intake markers (stuck-intake sweep), outbound ledger (stuck-outbound sweep), blob holders and reclaim candidates (reclaiming expunged messages), send API idempotency keys, DKIM signing keys, TLS report counts (RFC 8460), sender allow/block lists, webhook subscriptions, DMARC aggregate report counts (RFC 7489), quarantined messages, spam training signals, greylisting triplets.')
var tableNames = [
  'directory'
  'mailboxindex'
  'deliverylog'
  'intakeledger'
  'outboundledger'
  'blobholders'
  'reclaimcandidates'
  'idempotency'
  'dkimkeys'
  'tlsreports'
  'senderlists'
  'webhooks'
  'dmarcreports'
  'quarantine'
  'spamtraining'
  'greylist'
]

@export()
@description('Blob container in the Functions host storage account that holds the Flex Consumption deployment package.')
var deploymentContainerName = 'app-package'

@export()
@description('AzureResourceNames.KeyVaultSecrets.SmartHostPassword: password for the outbound smart-host relay.')
var smartHostPasswordSecretName = 'smarthost-password'

@export()
@description('AzureResourceNames.KeyVaultSecrets.SrsSecret: the SRS hash secret (CloudMail:Routing:SrsSecret) every Functions instance shares.')
var srsSecretName = 'srs-secret'
