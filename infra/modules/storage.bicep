// Two storage accounts, both without shared keys (Entra ID only):
// - mail data: the blob container for raw MIME and the tables (directory, mailbox index, delivery log, ...);
// - Functions host: AzureWebJobsStorage and the Flex Consumption deployment package. Kept apart so the
//   Storage Blob Data Owner role the Functions host needs never reaches mail.

import { messagesContainerName, tableNames, deploymentContainerName } from 'names.bicep'

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the mail data account.')
@minLength(3)
@maxLength(24)
param dataAccountName string

@description('Name of the Functions host account.')
@minLength(3)
@maxLength(24)
param hostAccountName string

@description('Replication of both accounts (Standard_ZRS in regions that offer it is the production choice: a zone outage then loses neither mail nor the Functions host state).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param dataSkuName string = 'Standard_LRS'

@description('Days a deleted blob stays recoverable.')
@minValue(1)
@maxValue(365)
param blobSoftDeleteDays int = 7

@description('Move message blobs to the Cool tier this many days after they were written; 0: no lifecycle rule. Never deletes: a blob is deleted only by the reclaimer, once no mailbox and no pending delivery refers to it (MessageReclaimer).')
@minValue(0)
param messagesCoolAfterDays int = 30

@description('Refuse public-network requests to the mail data account except from allowedIpRanges and trusted Azure services (private endpoints carry the apps\' traffic).')
param restrictPublicNetworkAccess bool = false

@description('Public IP ranges (CIDR) still allowed when restrictPublicNetworkAccess is set: the administrator\'s workstation for the `cloudmail` admin commands.')
param allowedIpRanges array = []

@description('Defender for Storage on-upload malware scanning of the data account (its verdict lands in each blob\'s index tag "Malware Scanning scan result", which the pipeline reads).')
param defenderMalwareScanning bool = false

@description('Most GB Defender malware scanning may scan per month (-1: no cap).')
param defenderScanCapGBPerMonth int = 5000

var publicAccessRules = {
  defaultAction: 'Deny'
  bypass: 'AzureServices'
  ipRules: map(allowedIpRanges, range => { value: range, action: 'Allow' })
}

var commonProperties = {
  accessTier: 'Hot'
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  defaultToOAuthAuthentication: true
  allowCrossTenantReplication: false
  publicNetworkAccess: 'Enabled'
  networkAcls: {
    defaultAction: 'Allow'
    bypass: 'AzureServices'
  }
}

resource dataAccount 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: dataAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: dataSkuName
  }
  properties: restrictPublicNetworkAccess ? union(commonProperties, { networkAcls: publicAccessRules }) : commonProperties

  resource blobService 'blobServices' = {
    name: 'default'
    properties: {
      deleteRetentionPolicy: {
        enabled: true
        days: blobSoftDeleteDays
      }
      containerDeleteRetentionPolicy: {
        enabled: true
        days: blobSoftDeleteDays
      }
    }

    resource messages 'containers' = {
      name: messagesContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }

  // Message blobs are named by message id in one container, written once, and deleted only by the
  // reclaimer once nothing refers to them; an age says nothing about whether a mailbox still holds a
  // message, so no rule may delete. Old mail is read rarely: Cool storage costs less, stays online
  // (IMAP FETCH works unchanged) and costs more per read; Cool has a 30-day minimum.
  resource lifecycle 'managementPolicies' = if (messagesCoolAfterDays > 0) {
    name: 'default'
    properties: {
      policy: {
        rules: [
          {
            name: 'messages-to-cool'
            enabled: true
            type: 'Lifecycle'
            definition: {
              filters: {
                blobTypes: [
                  'blockBlob'
                ]
                prefixMatch: [
                  '${messagesContainerName}/'
                ]
              }
              actions: {
                baseBlob: {
                  tierToCool: {
                    daysAfterModificationGreaterThan: messagesCoolAfterDays
                  }
                }
              }
            }
          }
        ]
      }
    }
  }

  resource tableService 'tableServices' = {
    name: 'default'

    resource mailTables 'tables' = [
      for tableName in tableNames: {
        name: tableName
      }
    ]
  }
}

// Defender for Storage (plan v2) on the data account with on-upload malware scanning: every blob written is scanned
// and tagged "Malware Scanning scan result"; CloudMail__Antivirus__DefenderForStorage makes the pipeline wait for it.
resource defenderForStorage 'Microsoft.Security/defenderForStorageSettings@2022-12-01-preview' = if (defenderMalwareScanning) {
  name: 'current'
  scope: dataAccount
  properties: {
    isEnabled: true
    overrideSubscriptionLevelSettings: true
    malwareScanning: {
      onUpload: {
        isEnabled: true
        capGBPerMonth: defenderScanCapGBPerMonth
      }
    }
    sensitiveDataDiscovery: {
      isEnabled: false
    }
  }
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: hostAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: dataSkuName
  }
  // Stays reachable from the public network: `azd deploy functions` uploads the package here from the
  // deploying machine. With private networking the app itself reaches it through private endpoints.
  properties: commonProperties

  resource blobService 'blobServices' = {
    name: 'default'

    resource deployment 'containers' = {
      name: deploymentContainerName
      properties: {
        publicAccess: 'None'
      }
    }
  }
}

output dataAccountName string = dataAccount.name
output dataBlobEndpoint string = dataAccount.properties.primaryEndpoints.blob
output dataTableEndpoint string = dataAccount.properties.primaryEndpoints.table
output messagesContainerName string = dataAccount::blobService::messages.name
output hostAccountName string = hostAccount.name
output deploymentContainerUrl string = '${hostAccount.properties.primaryEndpoints.blob}${hostAccount::blobService::deployment.name}'
