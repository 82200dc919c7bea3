// Diagnostic settings: every data-plane and platform log of the deployment goes to the one Log
// Analytics workspace (monitoring.bicep), with the resources' metrics. What each sends:
//   mail data account   account metrics; blob and table services: StorageRead/Write/Delete + Transaction
//   Service Bus         allLogs (operational, VNet, runtime audit) + AllMetrics
//   Key Vault           audit (AuditEvent: every secret and certificate read, who read it) + AllMetrics
//   Functions app       FunctionAppLogs + AllMetrics
//   Container Apps env. allLogs (ContainerAppConsoleLogs, ContainerAppSystemLogs) + AllMetrics; the
//                       environment sends app logs to Azure Monitor (containerapps.bicep), i.e. here.

@description('Log Analytics workspace that receives everything.')
param logAnalyticsName string

@description('Mail data storage account.')
param dataAccountName string

@description('Service Bus namespace.')
param serviceBusNamespaceName string

@description('Key Vault.')
param keyVaultName string

@description('Functions app.')
param functionAppName string

@description('Container Apps environment.')
param containerAppsEnvironmentName string

var settingName = 'to-log-analytics'
var allMetrics = [
  {
    category: 'AllMetrics'
    enabled: true
  }
]
var transactionMetrics = [
  {
    category: 'Transaction'
    enabled: true
  }
]
var storageLogs = [
  { category: 'StorageRead', enabled: true }
  { category: 'StorageWrite', enabled: true }
  { category: 'StorageDelete', enabled: true }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource dataAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: dataAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource tableService 'tableServices' existing = {
    name: 'default'
  }
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' existing = {
  name: containerAppsEnvironmentName
}

resource dataAccountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: dataAccount
  properties: {
    workspaceId: workspace.id
    metrics: transactionMetrics
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: dataAccount::blobService
  properties: {
    workspaceId: workspace.id
    logs: storageLogs
    metrics: transactionMetrics
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: dataAccount::tableService
  properties: {
    workspaceId: workspace.id
    logs: storageLogs
    metrics: transactionMetrics
  }
}

resource serviceBusDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: serviceBus
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: vault
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}

resource functionAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: functionApp
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}

resource environmentDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: environment
  properties: {
    workspaceId: workspace.id
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}
