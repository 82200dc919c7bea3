// Container registry for the listener image (`azd deploy smtp` / `azd deploy mailbox` push here). No admin user,
// no anonymous pull: the listener pulls with its managed identity (AcrPull in roles.bicep).

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Registry name (alphanumeric).')
@minLength(5)
@maxLength(50)
param registryName string

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output registryName string = registry.name
output loginServer string = registry.properties.loginServer
