// Key Vault in RBAC mode for the listener's TLS certificate, the DKIM private keys, the
// smart-host password and the SRS secret. No access policies: who may read what is decided in roles.bicep.

import { smartHostPasswordSecretName, srsSecretName } from 'names.bicep'

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Vault name.')
@minLength(3)
@maxLength(24)
param vaultName string

@description('Purge protection: a deleted vault cannot be purged during its retention. Leave on for production; off lets `azd down --purge` reuse the name at once.')
param enablePurgeProtection bool = true

@description('Days a deleted vault or secret stays recoverable.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Password for the outbound smart-host relay; empty: set the secret later (see infra/README.md).')
@secure()
param smartHostPassword string = ''

@description('SRS hash secret (at least 16 characters); empty: keep the secret already in the vault, or create it yourself before the Functions app starts (see infra/README.md).')
@secure()
param srsSecret string = ''

@description('Refuse public-network requests except from allowedIpRanges and trusted Azure services (a private endpoint carries the apps\' traffic).')
param restrictPublicNetworkAccess bool = false

@description('Public IP ranges (CIDR) still allowed when restrictPublicNetworkAccess is set: the administrator importing certificates and secrets.')
param allowedIpRanges array = []

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The API accepts true or absent, never false.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: restrictPublicNetworkAccess ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
      ipRules: map(restrictPublicNetworkAccess ? allowedIpRanges : [], range => { value: range })
    }
  }
}

resource smartHostPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(smartHostPassword)) {
  parent: vault
  name: smartHostPasswordSecretName
  properties: {
    value: smartHostPassword
    contentType: 'text/plain'
  }
}

// Created only from a value given: a later deployment without one keeps the secret (SRS addresses already sent out
// stay verifiable), and rotating it is a deliberate act.
resource srsSecretResource 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(srsSecret)) {
  parent: vault
  name: srsSecretName
  properties: {
    value: srsSecret
    contentType: 'text/plain'
  }
}

output vaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
