// EVERY role assignment of the deployment, in one place, each with the narrowest built-in role at the
// narrowest scope that works. Nothing else in infra/ assigns roles (a test checks that).
//
//   listener (user-assigned identity, both listener apps)   functions (system-assigned identity)
//   SB Data Sender      on queue inbound                    SB Data Receiver + Sender on every pipeline queue
//   Blob Data Contrib.  on container messages               Blob Data Contrib.  on container messages
//   Table Data Reader   on table directory                  Table Data Reader   on table directory
//   Table Data Reader   on table senderlists                Table Data Reader   on tables senderlists, dkimkeys, webhooks
//   Table Data Contrib. on each table it writes             Table Data Contrib. on each table it writes (incl.
//                       (listenerWrittenTables, with                            quarantine; functionsWrittenTables;
//                       spamtraining, greylist)                                 never spamtraining or greylist)
//   KV Secrets User     on the TLS certificate's secret     KV Secrets User     on vault (smart-host password,
//                       only (none until one is named);                         SRS secret: Key Vault references)
//                       never DKIM keys or the relay pw.    KV Crypto User      on vault (DKIM: sign with the
//                                                                               non-exportable keys; cannot create,
//                                                                               export or delete them)
//   AcrPull             on registry                         Blob Data Owner     on the HOST account only (AzureWebJobsStorage, deployment package)
//   Metrics Publisher   on App Insights                     Metrics Publisher   on App Insights
//                                                           Blob tag reader     on container messages, only with
//                                                           (custom: tags/read)  defenderMalwareScanning
//                                                           EventGrid Data Sender on the mail-events topic only
//
// Which tables each identity writes: names.bicep, checked against the code in tests/CloudMail.Infra.Tests.
//
// The optional deployer principal gets what administration needs: Key Vault Secrets Officer and
// Certificates Officer (upload the TLS certificate, smart-host password), Crypto Officer (`cloudmail dkim
// generate` creates the DKIM keys in the vault) and Table Data Contributor on the data account (`cloudmail`
// admin commands: domains, accounts, API keys, DKIM key rows).

import {
  inboundQueueName
  queueNames
  messagesContainerName
  directoryTableName
  dkimKeysTableName
  senderListsTableName
  webhooksTableName
  listenerWrittenTables
  functionsWrittenTables
} from 'names.bicep'

@description('Principal id of the listener\'s user-assigned identity.')
param listenerPrincipalId string

@description('Principal id of the Functions app\'s system-assigned identity.')
param functionsPrincipalId string

@description('Principal id of the deploying user or pipeline; empty: no deployer roles.')
param deployerPrincipalId string = ''

@description('Type of the deployer principal.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

@description('Name of the Key Vault certificate the listener serves for TLS; empty: the listener gets no Key Vault access at all.')
param tlsCertificateName string = ''

@description('Defender for Storage malware scanning is on: the Functions identity reads blob index tags (its verdicts) on the messages container.')
param defenderMalwareScanning bool = false

param dataAccountName string
param hostAccountName string
param serviceBusNamespaceName string
param keyVaultName string
param registryName string
param applicationInsightsName string
param eventGridTopicName string

// Built-in role definition ids (the same in every tenant).
var roles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageTableDataReader: '76199698-9eea-4c19-bc75-cec21354c6b6'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985'
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424'
  keyVaultCryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
}

resource dataAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: dataAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource messages 'containers' existing = {
      name: messagesContainerName
    }
  }

  resource tableService 'tableServices' existing = {
    name: 'default'

    resource directory 'tables' existing = {
      name: directoryTableName
    }

    resource dkimKeys 'tables' existing = {
      name: dkimKeysTableName
    }

    resource senderLists 'tables' existing = {
      name: senderListsTableName
    }

    resource webhooks 'tables' existing = {
      name: webhooksTableName
    }
  }
}

resource listenerTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' existing = [
  for tableName in listenerWrittenTables: {
    parent: dataAccount::tableService
    name: tableName
  }
]

resource functionsTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' existing = [
  for tableName in functionsWrittenTables: {
    parent: dataAccount::tableService
    name: tableName
  }
]

resource hostAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: hostAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource inboundQueue 'queues' existing = {
    name: inboundQueueName
  }
}

resource pipelineQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [
  for queueName in queueNames: {
    parent: serviceBus
    name: queueName
  }
]

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName

  // A Key Vault certificate's private key is the secret of the same name (what the listener apps mount).
  resource tlsSecret 'secrets' existing = {
    name: empty(tlsCertificateName) ? 'no-tls-certificate' : tlsCertificateName
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: registryName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource eventGridTopic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: eventGridTopicName
}

// ---- listener -------------------------------------------------------------------------------------

resource listenerInboundSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus::inboundQueue.id, listenerPrincipalId, roles.serviceBusDataSender)
  scope: serviceBus::inboundQueue
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    description: 'Listener: enqueue accepted messages on the inbound queue.'
  }
}

resource listenerMessagesBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::blobService::messages.id, listenerPrincipalId, roles.storageBlobDataContributor)
  scope: dataAccount::blobService::messages
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    description: 'Listener: write accepted messages, read them for IMAP and POP3.'
  }
}

resource listenerDirectory 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::tableService::directory.id, listenerPrincipalId, roles.storageTableDataReader)
  scope: dataAccount::tableService::directory
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
    description: 'Listener: look up domains, accounts and aliases (logins, RCPT TO); never change them.'
  }
}

resource listenerSenderLists 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::tableService::senderLists.id, listenerPrincipalId, roles.storageTableDataReader)
  scope: dataAccount::tableService::senderLists
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
    description: 'Listener: sender allow and block lists (RCPT TO on port 25); never change them.'
  }
}

resource listenerTableWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in listenerWrittenTables: {
    name: guid(listenerTables[i].id, listenerPrincipalId, roles.storageTableDataContributor)
    scope: listenerTables[i]
    properties: {
      principalId: listenerPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      description: 'Listener: read and write table ${tableName}.'
    }
  }
]

resource listenerTlsSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(tlsCertificateName)) {
  name: guid(vault::tlsSecret.id, listenerPrincipalId, roles.keyVaultSecretsUser)
  scope: vault::tlsSecret
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    description: 'Listener: read the TLS certificate (this one secret; no other secret, no DKIM key).'
  }
}

resource listenerAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, listenerPrincipalId, roles.acrPull)
  scope: registry
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    description: 'Listener: pull its image.'
  }
}

resource listenerTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, listenerPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: listenerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    description: 'Listener: send telemetry with Entra ID authentication.'
  }
}

// ---- functions ------------------------------------------------------------------------------------

resource functionsQueueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: {
    name: guid(pipelineQueues[i].id, functionsPrincipalId, roles.serviceBusDataReceiver)
    scope: pipelineQueues[i]
    properties: {
      principalId: functionsPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
      description: 'Functions: receive and settle ${queueName} jobs.'
    }
  }
]

resource functionsQueueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: {
    name: guid(pipelineQueues[i].id, functionsPrincipalId, roles.serviceBusDataSender)
    scope: pipelineQueues[i]
    properties: {
      principalId: functionsPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
      description: 'Functions: enqueue ${queueName} jobs (routing, scheduled retries, requeue of stuck jobs, send API).'
    }
  }
]

resource functionsMessagesBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::blobService::messages.id, functionsPrincipalId, roles.storageBlobDataContributor)
  scope: dataAccount::blobService::messages
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    description: 'Functions: read messages, write send-API submissions and bounces.'
  }
}

// No built-in role reads blob index tags without also writing data or taking ownership (Storage Blob Data Owner): a
// custom role holds exactly that data action, for Defender for Storage's verdict tag (DefenderScanVerdicts).
resource blobTagReader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (defenderMalwareScanning) {
  name: guid(resourceGroup().id, 'cloudmail-blob-index-tag-reader')
  properties: {
    roleName: 'CloudMail blob index tag reader (${resourceGroup().name})'
    description: 'Reads blob index tags (Defender for Storage malware scanning verdicts); nothing else.'
    type: 'CustomRole'
    assignableScopes: [
      resourceGroup().id
    ]
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read'
        ]
        notDataActions: []
      }
    ]
  }
}

resource functionsBlobTags 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (defenderMalwareScanning) {
  name: guid(dataAccount::blobService::messages.id, functionsPrincipalId, 'cloudmail-blob-index-tag-reader')
  scope: dataAccount::blobService::messages
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: blobTagReader.id
    description: 'Functions: read Defender for Storage\'s malware verdict tag of each inbound message.'
  }
}

resource functionsDirectory 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::tableService::directory.id, functionsPrincipalId, roles.storageTableDataReader)
  scope: dataAccount::tableService::directory
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
    description: 'Functions: local domains, accounts, aliases (routing) and API key hashes (send API); never change them.'
  }
}

resource functionsDkimKeys 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::tableService::dkimKeys.id, functionsPrincipalId, roles.storageTableDataReader)
  scope: dataAccount::tableService::dkimKeys
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
    description: 'Functions: DKIM private keys, to sign outbound mail; never change them.'
  }
}

resource functionsSenderLists 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::tableService::senderLists.id, functionsPrincipalId, roles.storageTableDataReader)
  scope: dataAccount::tableService::senderLists
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
    description: 'Functions: sender allow lists (Junk filing of allowed senders); never change them.'
  }
}

resource functionsWebhooks 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataAccount::tableService::webhooks.id, functionsPrincipalId, roles.storageTableDataReader)
  scope: dataAccount::tableService::webhooks
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataReader)
    description: 'Functions: webhook subscriptions (publishing and signing mail events); never change them.'
  }
}

resource functionsTableWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in functionsWrittenTables: {
    name: guid(functionsTables[i].id, functionsPrincipalId, roles.storageTableDataContributor)
    scope: functionsTables[i]
    properties: {
      principalId: functionsPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      description: 'Functions: read and write table ${tableName}.'
    }
  }
]

resource functionsHostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostAccount.id, functionsPrincipalId, roles.storageBlobDataOwner)
  scope: hostAccount
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    description: 'Functions host: AzureWebJobsStorage (leases, keys) and the Flex Consumption deployment package. Host account only, never mail.'
  }
}

resource functionsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionsPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    description: 'Functions: smart-host password and SRS secret (Key Vault references).'
  }
}

resource functionsDkimSigning 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionsPrincipalId, roles.keyVaultCryptoUser)
  scope: vault
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCryptoUser)
    description: 'Functions: DKIM-sign outbound mail with the non-exportable keys (dkim-<domain>-<selector>, made at run time, hence the vault scope); sign only, no create, export or delete.'
  }
}

resource functionsTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, functionsPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    description: 'Functions: send telemetry with Entra ID authentication.'
  }
}

resource functionsEventGrid 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(eventGridTopic.id, functionsPrincipalId, roles.eventGridDataSender)
  scope: eventGridTopic
  properties: {
    principalId: functionsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventGridDataSender)
    description: 'Functions: publish mail events (CloudEvents) to this topic only; it cannot read, subscribe or manage.'
  }
}

// ---- deployer (optional) --------------------------------------------------------------------------

resource deployerSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    description: 'Deployer: the smart-host password and SRS secret.'
  }
}

resource deployerKeys 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultCryptoOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCryptoOfficer)
    description: 'Deployer: cloudmail dkim generate creates the DKIM keys (non-exportable RSA-2048) in the vault.'
  }
}

resource deployerCertificates 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCertificatesOfficer)
    description: 'Deployer: import and renew the TLS certificate.'
  }
}

resource deployerTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(dataAccount.id, deployerPrincipalId, roles.storageTableDataContributor)
  scope: dataAccount
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    description: 'Deployer: administer domains, accounts and API keys in the directory.'
  }
}
