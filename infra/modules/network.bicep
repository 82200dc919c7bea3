// Virtual network for the Container Apps environment. TCP ingress (SMTP, IMAP, POP3) is only
// available in an environment on a custom VNet, which is why this exists at all. The same subnet is
// what a zone-redundant environment needs. With private networking (main.bicep usePrivateNetworking)
// it also holds the Functions app's VNet integration subnet and the private endpoints' subnet.

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

@description('Add the Functions integration and private endpoint subnets.')
param usePrivateNetworking bool = false

@description('Functions (Flex Consumption) VNet integration subnet, delegated to Microsoft.App/environments.')
param functionsSubnetPrefix string = '10.40.2.0/24'

@description('Subnet of the private endpoints (Storage, Key Vault).')
param privateEndpointsSubnetPrefix string = '10.40.3.0/24'

// Workload-profile environments and Flex Consumption integration both require this delegation.
var appEnvironmentsDelegation = [
  {
    name: 'Microsoft.App.environments'
    properties: {
      serviceName: 'Microsoft.App/environments'
    }
  }
]

var containerAppsSubnet = {
  name: 'snet-containerapps'
  properties: {
    addressPrefix: containerAppsSubnetPrefix
    delegations: appEnvironmentsDelegation
  }
}

var privateSubnets = [
  {
    name: 'snet-functions'
    properties: {
      addressPrefix: functionsSubnetPrefix
      delegations: appEnvironmentsDelegation
    }
  }
  {
    name: 'snet-private-endpoints'
    properties: {
      addressPrefix: privateEndpointsSubnetPrefix
      privateEndpointNetworkPolicies: 'Disabled'
    }
  }
]

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
    subnets: concat([containerAppsSubnet], usePrivateNetworking ? privateSubnets : [])
  }
}

output vnetName string = vnet.name
output vnetId string = vnet.id
output containerAppsSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, containerAppsSubnet.name)
output functionsSubnetId string = usePrivateNetworking ? resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, privateSubnets[0].name) : ''
output privateEndpointsSubnetId string = usePrivateNetworking ? resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, privateSubnets[1].name) : ''
