// Service Bus namespace and the pipeline queues. Standard tier: duplicate detection and scheduled
// messages (retry backoff) are not available on Basic. Local (SAS) auth is off: Entra ID only.

import { queueNames } from 'names.bicep'

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Namespace name.')
param namespaceName string

@description('Deliveries before Service Bus dead-letters a job on its own (the code dead-letters permanent failures itself, with a reason).')
@minValue(1)
@maxValue(100)
param maxDeliveryCount int = 10

@description('Peek-lock duration. The Functions host renews the lock while a job runs (host.json maxAutoLockRenewalDuration), so a slow SMTP delivery keeps its job; a short lock means the jobs of a crashed instance come back within a minute.')
param lockDuration string = 'PT1M'

@description('How long a job may wait before it expires into the dead-letter queue. Retries are new scheduled messages, so this bounds one wait, not the whole retry schedule.')
param defaultMessageTimeToLive string = 'P7D'

@description('Window in which a second job with the same MessageId is dropped (accepted -> enqueued twice). Retries must use a new MessageId.')
param duplicateDetectionHistoryTimeWindow string = 'PT1H'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }

  resource queues 'queues' = [
    for queueName in queueNames: {
      name: queueName
      properties: {
        lockDuration: lockDuration
        maxDeliveryCount: maxDeliveryCount
        defaultMessageTimeToLive: defaultMessageTimeToLive
        deadLetteringOnMessageExpiration: true
        requiresDuplicateDetection: true
        duplicateDetectionHistoryTimeWindow: duplicateDetectionHistoryTimeWindow
        requiresSession: false
        enablePartitioning: false
        enableBatchedOperations: true
        maxSizeInMegabytes: 5120
      }
    }
  ]
}

output namespaceName string = namespace.name
// serviceBusEndpoint is https://<name>.servicebus.windows.net:443/ (or the sovereign-cloud suffix).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output serviceBusEndpoint string = namespace.properties.serviceBusEndpoint
output queueNames array = [for (queueName, i) in queueNames: namespace::queues[i].name]
