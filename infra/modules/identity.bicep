// The listener's user-assigned identity. User-assigned (not system-assigned) because the container
// app needs its roles (AcrPull, Key Vault Secrets User) BEFORE it is created: the first revision pulls
// the image and resolves the TLS certificate secret at creation time.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Identity name.')
param identityName string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

output identityId string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
