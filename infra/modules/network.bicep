// Virtual network for the Container Apps environment. TCP ingress (SMTP, IMAP, POP3) is only
// available in an environment on a custom VNet, which is why this exists at all.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Virtual network name.')
param vnetName string

@description('Address space of the virtual network.')
param addressPrefix string

@description('Infrastructure subnet of the Container Apps environment (workload profiles: /27 or larger; /23 leaves room to scale).')
param containerAppsSubnetPrefix string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'snet-containerapps'
        properties: {
          addressPrefix: containerAppsSubnetPrefix
          // A workload-profiles environment requires its subnet delegated to Microsoft.App/environments.
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

output vnetName string = vnet.name
output containerAppsSubnetId string = vnet.properties.subnets[0].id
