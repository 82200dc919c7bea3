// The Functions app (HTTP send API, Service Bus triggered pipeline stages, timers) on Flex Consumption:
// dotnet-isolated 10.0, system-assigned managed identity, every connection identity-based (no keys or
// connection strings in app settings). Its roles are assigned in roles.bicep.

import { smartHostPasswordSecretName, srsSecretName } from 'names.bicep'

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added here).')
param tags object

@description('Flex Consumption plan name.')
param planName string

@description('Function app name (also the API host name: <name>.azurewebsites.net).')
param functionAppName string

@description('Functions host storage account (AzureWebJobsStorage and the deployment package).')
param hostAccountName string

@description('URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string

@description('Blob endpoint of the mail data account.')
param dataBlobEndpoint string

@description('Table endpoint of the mail data account.')
param dataTableEndpoint string

@description('Service Bus namespace host name (<name>.servicebus.windows.net).')
param serviceBusFullyQualifiedNamespace string

@description('Key Vault URI (DKIM keys, smart-host password, SRS secret).')
param keyVaultUri string

@description('Key Vault name, for Key Vault references in app settings.')
param keyVaultName string

@description('Application Insights connection string (ingestion is Entra ID authenticated).')
param applicationInsightsConnectionString string

@description('Public mail host name (HELO name, Received headers, DSN reporting MTA); empty: unset.')
param mailHostName string

@description('Smart-host relay for outbound mail; empty: deliver directly to MX on port 25 (blocked on most Azure subscriptions).')
param smartHostName string

@description('Smart-host port (587 with STARTTLS, or 465 with implicit TLS).')
param smartHostPort int

@description('Smart-host user name; empty: no authentication.')
param smartHostUsername string

@description('Most instances the plan scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Subnet for VNet integration (delegated to Microsoft.App/environments); empty: no VNet integration.')
param virtualNetworkSubnetId string = ''

@description('Event Grid topic endpoint the mail events are published to (CloudMail:Events:EventGrid:Endpoint); empty: no Event Grid.')
param eventGridTopicEndpoint string = ''

@description('Memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Wait for Defender for Storage\'s malware verdict on every inbound message (CloudMail__Antivirus__DefenderForStorage).')
param defenderMalwareScanning bool = false

var baseSettings = [
  // Functions host storage: identity-based, system-assigned identity (no clientId).
  { name: 'AzureWebJobsStorage__accountName', value: hostAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
  // CloudMail's own connections (AzureResourceNames.Settings in CloudMail.Storage.Azure).
  { name: 'CloudMailStorage__blobServiceUri', value: dataBlobEndpoint }
  { name: 'CloudMailStorage__tableServiceUri', value: dataTableEndpoint }
  { name: 'CloudMailStorage__credential', value: 'managedidentity' }
  { name: 'CloudMailServiceBus__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'CloudMailServiceBus__credential', value: 'managedidentity' }
  { name: 'CloudMailKeyVault__vaultUri', value: keyVaultUri }
  { name: 'CloudMailKeyVault__credential', value: 'managedidentity' }
  // The SRS secret every instance must share (forwarded mail's envelope senders, verified when bounces come back);
  // resolved by the platform from Key Vault like the smart-host password.
  {
    name: 'CloudMail__Routing__SrsSecret'
    value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${srsSecretName})'
  }
]

// QuarantineOptions.DefenderForStorage: the pipeline reads Defender's verdict tag instead of needing a clamd.
var defenderSettings = defenderMalwareScanning ? [{ name: 'CloudMail__Antivirus__DefenderForStorage', value: 'true' }] : []

// Unset when empty, so the code's default applies rather than an empty string.
// Mail events to Event Grid with the app's identity (EventGrid Data Sender on the topic, roles.bicep).
var eventGridSettings = empty(eventGridTopicEndpoint) ? [] : [
  { name: 'CloudMail__Events__EventGrid__Endpoint', value: eventGridTopicEndpoint }
  { name: 'CloudMail__Events__EventGrid__credential', value: 'managedidentity' }
]
var hostNameSettings = empty(mailHostName) ? [] : [{ name: 'CloudMail__HostName', value: mailHostName }]

var smartHostSettings = empty(smartHostName)
  ? []
  : [
      { name: 'CloudMail__Delivery__SmartHost__Host', value: smartHostName }
      { name: 'CloudMail__Delivery__SmartHost__Port', value: string(smartHostPort) }
      { name: 'CloudMail__Delivery__SmartHost__Username', value: smartHostUsername }
      // Resolved by the platform with the app's identity (Key Vault Secrets User); the secret may be
      // created after the deployment (see infra/README.md).
      {
        name: 'CloudMail__Delivery__SmartHost__Password'
        value: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${smartHostPasswordSecretName})'
      }
    ]

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    // Flex Consumption sends all outbound traffic through the integrated subnet (private endpoints, private DNS).
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: concat(baseSettings, hostNameSettings, smartHostSettings, defenderSettings, eventGridSettings)
    }
  }

  // Deployments authenticate with Entra ID; no publishing passwords.
  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }
}

output functionAppName string = functionApp.name
output principalId string = functionApp.identity.principalId
output defaultHostName string = functionApp.properties.defaultHostName
output apiBaseUrl string = 'https://${functionApp.properties.defaultHostName}/api'
