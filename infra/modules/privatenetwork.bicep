// Private endpoints (main.bicep usePrivateNetworking): the mail data account (blob, table), the
// Functions host account (blob, queue, table) and Key Vault get an address in the VNet, with the
// privatelink DNS zones linked to the VNet, so the listener apps (in the VNet) and the Functions app
// (VNet-integrated) reach them privately. Service Bus is not here: private endpoints need the Premium
// tier, and this deployment uses Standard (see infra/README.md).

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Virtual network the zones are linked to.')
param vnetId string

@description('Subnet of the private endpoints.')
param subnetId string

@description('Mail data account.')
param dataAccountName string

@description('Functions host account.')
param hostAccountName string

@description('Key Vault.')
param keyVaultName string

var storageSuffix = environment().suffixes.storage
var zones = {
  blob: 'privatelink.blob.${storageSuffix}'
  table: 'privatelink.table.${storageSuffix}'
  queue: 'privatelink.queue.${storageSuffix}'
  vault: 'privatelink.vaultcore.azure.net'
}

var endpoints = [
  { name: 'pe-${dataAccountName}-blob', targetType: 'Microsoft.Storage/storageAccounts', targetName: dataAccountName, groupId: 'blob' }
  { name: 'pe-${dataAccountName}-table', targetType: 'Microsoft.Storage/storageAccounts', targetName: dataAccountName, groupId: 'table' }
  { name: 'pe-${hostAccountName}-blob', targetType: 'Microsoft.Storage/storageAccounts', targetName: hostAccountName, groupId: 'blob' }
  { name: 'pe-${hostAccountName}-queue', targetType: 'Microsoft.Storage/storageAccounts', targetName: hostAccountName, groupId: 'queue' }
  { name: 'pe-${hostAccountName}-table', targetType: 'Microsoft.Storage/storageAccounts', targetName: hostAccountName, groupId: 'table' }
  { name: 'pe-${keyVaultName}', targetType: 'Microsoft.KeyVault/vaults', targetName: keyVaultName, groupId: 'vault' }
]

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(zones): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource dnsLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(zones): {
    parent: dnsZones[i]
    name: 'vnet'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnetId
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for endpoint in endpoints: {
    name: endpoint.name
    location: location
    tags: tags
    properties: {
      subnet: {
        id: subnetId
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: resourceId(endpoint.targetType, endpoint.targetName)
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource dnsZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.groupId
          properties: {
            privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', zones[endpoint.groupId])
          }
        }
      ]
    }
    dependsOn: [
      dnsZones
    ]
  }
]

output privateEndpointNames array = [for endpoint in endpoints: endpoint.name]
