// CloudMail on Azure: listener containers (an SMTP app and an IMAP/POP3 app) -> Service Bus -> Functions, mail in Blob
// and Table storage, secrets in Key Vault. Deploy with `azd up` (see infra/README.md).
// Compiled and linted by build/bicep-check.sh; the compiled JSON is a build output, never committed.

targetScope = 'subscription'

@description('azd environment name; part of every resource name\'s token and of the resource group name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for every resource.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or pipeline (azd sets AZURE_PRINCIPAL_ID); empty: no deployer roles.')
param principalId string = ''

@description('Type of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Public host name of the mail server, e.g. mail.example.com: the MX target, the TLS certificate\'s name, the HELO name. Empty: the listener app\'s own FQDN (fine for a trial, not for real mail).')
param mailHostName string = ''

@description('Name of a certificate in the deployment\'s Key Vault to serve for TLS on 465/993/995 and STARTTLS; empty until you import one (see infra/README.md).')
param tlsCertificateName string = ''

@description('Smart-host relay for outbound mail (outbound port 25 is blocked on most Azure subscriptions). Empty: direct delivery to MX.')
param smartHostName string = ''

@description('Smart-host port: 587 (STARTTLS) or 465 (implicit TLS).')
@allowed([
  587
  465
  25
  2525
])
param smartHostPort int = 587

@description('Smart-host user name; empty: no authentication.')
param smartHostUsername string = ''

@description('Smart-host password, stored as a Key Vault secret; empty: set the secret in Key Vault yourself.')
@secure()
param smartHostPassword string = ''

@description('SRS hash secret for forwarded mail (at least 16 characters), stored as a Key Vault secret; empty: keep the vault\'s secret, or set it there yourself.')
@secure()
param srsSecret string = ''

@description('SMTP app image (azd sets SERVICE_SMTP_IMAGE_NAME after the first deploy); empty: a placeholder.')
param smtpImageName string = ''

@description('Mailbox app image (azd sets SERVICE_MAILBOX_IMAGE_NAME after the first deploy; same Dockerfile as smtp); empty: a placeholder.')
param mailboxImageName string = ''

@description('Turn on Microsoft Defender for Storage on-upload malware scanning of the mail data account and make the pipeline (Functions) wait for its verdict on every inbound message (CloudMail__Antivirus__DefenderForStorage; azd: CLOUDMAIL_DEFENDER_MALWARE_SCANNING). Billed per GB scanned. See docs/antivirus.md.')
param defenderMalwareScanning bool = false

@description('Most GB Defender malware scanning may scan per month (its capGBPerMonth; -1: no cap).')
param defenderScanCapGBPerMonth int = 5000

@description('Image of an optional clamd sidecar of the smtp app that scans port-25 mail (e.g. docker.io/clamav/clamav:stable; azd: CLOUDMAIL_CLAMD_IMAGE); empty (default): no virus scanning. See docs/antivirus.md.')
param clamdImage string = ''

@description('Fewest SMTP app replicas (25, 465, 587); at least 2.')
@minValue(2)
param smtpMinReplicas int = 2

@description('Most SMTP app replicas.')
@minValue(2)
@maxValue(300)
param smtpMaxReplicas int = 10

@description('Fewest mailbox app replicas (143, 993, 110, 995); at least 2.')
@minValue(2)
param mailboxMinReplicas int = 2

@description('Most mailbox app replicas.')
@minValue(2)
@maxValue(300)
param mailboxMaxReplicas int = 10

@description('Zone-redundant Container Apps environment (replicas spread over availability zones). Needs a region with zones; fixed when the environment is created.')
param zoneRedundant bool = false

@description('Most Functions instances.')
@minValue(1)
@maxValue(1000)
param functionsMaximumInstanceCount int = 40

@description('Deliveries before Service Bus dead-letters a job by itself.')
@minValue(1)
@maxValue(100)
param serviceBusMaxDeliveryCount int = 10

@description('Key Vault purge protection (recommended; off lets `azd down --purge` reuse the vault name at once).')
param keyVaultPurgeProtection bool = true

@description('E-mail address for alerts (dead letters, backlog, throttling, function failures, certificate expiry); empty: the action group has no receiver until you add one.')
param alertEmailAddress string = ''

@description('Resource id of an existing action group to send alerts to instead of creating one.')
param alertActionGroupId string = ''

@description('Replication of the storage accounts: Standard_ZRS keeps mail through a zone outage (in regions with zones).')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Move message blobs to the Cool tier after this many days (0: never). Blobs are never deleted by age.')
@minValue(0)
param messagesCoolAfterDays int = 30

@description('Private endpoints for Storage and Key Vault, Functions VNet integration, and public access to the mail data account and Key Vault refused except from allowedIpRanges.')
param usePrivateNetworking bool = false

@description('With usePrivateNetworking: public IP ranges (CIDR) still allowed to the mail data account and Key Vault (the administrator\'s workstation).')
param allowedIpRanges array = []

@description('Address space of the virtual network.')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Container Apps infrastructure subnet (inside vnetAddressPrefix).')
param containerAppsSubnetPrefix string = '10.40.0.0/23'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
// Every name is fixed at compile time (what-if can predict the whole deployment).
var names = {
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  vnet: 'vnet-${resourceToken}'
  dataAccount: 'st${resourceToken}'
  hostAccount: 'stfn${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  registry: 'cr${resourceToken}'
  listenerIdentity: 'id-listener-${resourceToken}'
  containerAppsEnvironment: 'cae-${resourceToken}'
  smtpApp: 'ca-smtp-${resourceToken}'
  mailboxApp: 'ca-mailbox-${resourceToken}'
  functionsPlan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  eventGridTopic: 'evgt-${resourceToken}'
  actionGroup: 'ag-cloudmail-${resourceToken}'
}
var tags = {
  'azd-env-name': environmentName
  application: 'cloudmail'
}

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    vnetName: names.vnet
    addressPrefix: vnetAddressPrefix
    containerAppsSubnetPrefix: containerAppsSubnetPrefix
    usePrivateNetworking: usePrivateNetworking
  }
}

module privateNetwork 'modules/privatenetwork.bicep' = if (usePrivateNetworking) {
  name: 'privatenetwork'
  scope: resourceGroup
  dependsOn: [
    storage
    keyVault
  ]
  params: {
    location: location
    tags: tags
    vnetId: network.outputs.vnetId
    subnetId: network.outputs.privateEndpointsSubnetId
    dataAccountName: names.dataAccount
    hostAccountName: names.hostAccount
    keyVaultName: names.keyVault
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    dataAccountName: names.dataAccount
    hostAccountName: names.hostAccount
    dataSkuName: storageSkuName
    messagesCoolAfterDays: messagesCoolAfterDays
    restrictPublicNetworkAccess: usePrivateNetworking
    allowedIpRanges: allowedIpRanges
    defenderMalwareScanning: defenderMalwareScanning
    defenderScanCapGBPerMonth: defenderScanCapGBPerMonth
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    namespaceName: names.serviceBus
    maxDeliveryCount: serviceBusMaxDeliveryCount
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    vaultName: names.keyVault
    enablePurgeProtection: keyVaultPurgeProtection
    smartHostPassword: smartHostPassword
    srsSecret: srsSecret
    restrictPublicNetworkAccess: usePrivateNetworking
    allowedIpRanges: allowedIpRanges
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    registryName: names.registry
  }
}

module listenerIdentity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    identityName: names.listenerIdentity
  }
}

module containerApps 'modules/containerapps.bicep' = {
  name: 'containerapps'
  scope: resourceGroup
  // The first revision pulls from the registry and may read the TLS secret with the listener's identity.
  dependsOn: [
    roles
  ]
  params: {
    location: location
    tags: tags
    environmentName: names.containerAppsEnvironment
    smtpAppName: names.smtpApp
    mailboxAppName: names.mailboxApp
    infrastructureSubnetId: network.outputs.containerAppsSubnetId
    zoneRedundant: zoneRedundant
    identityId: listenerIdentity.outputs.identityId
    identityClientId: listenerIdentity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    smtpImageName: smtpImageName
    mailboxImageName: mailboxImageName
    mailHostName: mailHostName
    tlsCertificateName: tlsCertificateName
    keyVaultUri: keyVault.outputs.vaultUri
    dataBlobEndpoint: storage.outputs.dataBlobEndpoint
    dataTableEndpoint: storage.outputs.dataTableEndpoint
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    smtpMinReplicas: smtpMinReplicas
    smtpMaxReplicas: smtpMaxReplicas
    mailboxMinReplicas: mailboxMinReplicas
    mailboxMaxReplicas: mailboxMaxReplicas
    clamdImage: clamdImage
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    topicName: names.eventGridTopic
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    planName: names.functionsPlan
    functionAppName: names.functionApp
    hostAccountName: storage.outputs.hostAccountName
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    dataBlobEndpoint: storage.outputs.dataBlobEndpoint
    dataTableEndpoint: storage.outputs.dataTableEndpoint
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    keyVaultUri: keyVault.outputs.vaultUri
    keyVaultName: keyVault.outputs.vaultName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    mailHostName: mailHostName
    smartHostName: smartHostName
    smartHostPort: smartHostPort
    smartHostUsername: smartHostUsername
    maximumInstanceCount: functionsMaximumInstanceCount
    virtualNetworkSubnetId: network.outputs.functionsSubnetId
    defenderMalwareScanning: defenderMalwareScanning
    eventGridTopicEndpoint: eventGrid.outputs.endpoint
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: resourceGroup
  // Names are passed as compile-time values, so the resources the roles are scoped to must exist first:
  // storage, Service Bus, Key Vault, monitoring and the Event Grid topic already come before it through functionApp's outputs.
  dependsOn: [
    registry
  ]
  params: {
    // Principal ids exist only once the identities do; they are part of the role assignment names
    // (a recreated identity gets new assignments instead of a conflict), so what-if sees them late.
    #disable-next-line what-if-short-circuiting
    listenerPrincipalId: listenerIdentity.outputs.principalId
    #disable-next-line what-if-short-circuiting
    functionsPrincipalId: functionApp.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    tlsCertificateName: tlsCertificateName
    dataAccountName: names.dataAccount
    hostAccountName: names.hostAccount
    serviceBusNamespaceName: names.serviceBus
    keyVaultName: names.keyVault
    registryName: names.registry
    applicationInsightsName: names.applicationInsights
    defenderMalwareScanning: defenderMalwareScanning
    eventGridTopicName: names.eventGridTopic
  }
}

// Diagnostics and alerts get compile-time names (what-if can predict them), so they wait for the
// resources they watch explicitly.
module diagnostics 'modules/diagnostics.bicep' = {
  name: 'diagnostics'
  scope: resourceGroup
  dependsOn: [
    monitoring
    storage
    serviceBus
    keyVault
    functionApp
    containerApps
  ]
  params: {
    logAnalyticsName: names.logAnalytics
    dataAccountName: names.dataAccount
    serviceBusNamespaceName: names.serviceBus
    keyVaultName: names.keyVault
    functionAppName: names.functionApp
    containerAppsEnvironmentName: names.containerAppsEnvironment
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: resourceGroup
  dependsOn: [
    monitoring
    storage
    serviceBus
    keyVault
  ]
  params: {
    location: location
    tags: tags
    actionGroupName: names.actionGroup
    actionGroupId: alertActionGroupId
    alertEmailAddress: alertEmailAddress
    serviceBusNamespaceName: names.serviceBus
    dataAccountName: names.dataAccount
    applicationInsightsName: names.applicationInsights
    keyVaultName: names.keyVault
  }
}

// ---- outputs: azd stores them in the environment (`azd env get-values`) ---------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.registryName
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerApps.outputs.environmentName

@description('Host name to publish as the MX target (an A record for it must point at LISTENER_PUBLIC_IP).')
output MAIL_HOST_NAME string = containerApps.outputs.mailHostName
@description('Public IP of the Container Apps environment, shared by both listener apps: the A record of MAIL_HOST_NAME.')
output LISTENER_PUBLIC_IP string = containerApps.outputs.staticIp
@description('The SMTP app\'s own FQDN (25, 465, 587).')
output SMTP_APP_FQDN string = containerApps.outputs.smtpFqdn
output SMTP_APP_NAME string = containerApps.outputs.smtpAppName
@description('The mailbox app\'s own FQDN (143, 993, 110, 995).')
output MAILBOX_APP_FQDN string = containerApps.outputs.mailboxFqdn
output MAILBOX_APP_NAME string = containerApps.outputs.mailboxAppName

output SMTP_ENDPOINT string = 'smtp://${containerApps.outputs.mailHostName}:25'
output SMTP_SUBMISSION_ENDPOINT string = 'smtp://${containerApps.outputs.mailHostName}:587'
output SMTPS_SUBMISSION_ENDPOINT string = 'smtps://${containerApps.outputs.mailHostName}:465'
output IMAP_ENDPOINT string = 'imap://${containerApps.outputs.mailHostName}:143'
output IMAPS_ENDPOINT string = 'imaps://${containerApps.outputs.mailHostName}:993'
output POP3_ENDPOINT string = 'pop://${containerApps.outputs.mailHostName}:110'
output POP3S_ENDPOINT string = 'pops://${containerApps.outputs.mailHostName}:995'

@description('Base URL of the HTTP send API.')
output API_BASE_URL string = functionApp.outputs.apiBaseUrl
output FUNCTION_APP_NAME string = functionApp.outputs.functionAppName

output STORAGE_ACCOUNT_NAME string = storage.outputs.dataAccountName
output STORAGE_BLOB_ENDPOINT string = storage.outputs.dataBlobEndpoint
output STORAGE_TABLE_ENDPOINT string = storage.outputs.dataTableEndpoint
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.namespaceName
output SERVICE_BUS_ENDPOINT string = serviceBus.outputs.serviceBusEndpoint
output KEY_VAULT_NAME string = keyVault.outputs.vaultName
output KEY_VAULT_URI string = keyVault.outputs.vaultUri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

@description('Event Grid topic of the mail events (CloudEvents 1.0); add event subscriptions to it.')
output EVENT_GRID_TOPIC_NAME string = eventGrid.outputs.topicName
output EVENT_GRID_TOPIC_ID string = eventGrid.outputs.topicId
output EVENT_GRID_TOPIC_ENDPOINT string = eventGrid.outputs.endpoint

// The same shapes the code reads (AzureResourceNames.Settings), so that `azd env get-values` gives an
// administrator's workstation (`cloudmail` admin commands, signed in with `az login`) what it needs.
output CloudMailStorage__blobServiceUri string = storage.outputs.dataBlobEndpoint
output CloudMailStorage__tableServiceUri string = storage.outputs.dataTableEndpoint
output CloudMailServiceBus__fullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace
output CloudMailKeyVault__vaultUri string = keyVault.outputs.vaultUri
