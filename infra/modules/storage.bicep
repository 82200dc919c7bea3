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

@description('Replication of the mail data account (Standard_ZRS in regions that offer it is the production choice).')
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
  properties: commonProperties

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

  resource tableService 'tableServices' = {
    name: 'default'

    resource mailTables 'tables' = [
      for tableName in tableNames: {
        name: tableName
      }
    ]
  }
}

resource hostAccount 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: hostAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
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
