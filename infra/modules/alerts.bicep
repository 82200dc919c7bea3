// Alerts, all sent to one action group (created here, optionally with an e-mail receiver, or an existing
// one passed in):
//   dead letters     Service Bus DeadletteredMessages > 0, one alert per pipeline queue
//   inbound backlog  Service Bus ActiveMessages on `inbound` above a threshold (the namespace has no
//                    "oldest message age" metric; a backlog that stays is the same symptom)
//   throttling       mail data account Transactions with ResponseType ServerBusyError or ClientThrottlingError
//   Functions        failed requests (every trigger invocation is a request) and exceptions, Application Insights
//   certificates     Key Vault CertificateNearExpiry / CertificateExpired events, through an Event Grid system
//                    topic whose subscription raises an Azure Monitor alert on the same action group

import { queueNames, inboundQueueName } from 'names.bicep'

@description('Tags for every resource.')
param tags object

@description('Name of the action group created when actionGroupId is empty.')
@maxLength(260)
param actionGroupName string

@description('Resource id of an existing action group to notify; empty: create actionGroupName.')
param actionGroupId string = ''

@description('E-mail address the created action group notifies; empty: none (add receivers in the portal).')
param alertEmailAddress string = ''

@description('Service Bus namespace.')
param serviceBusNamespaceName string

@description('Mail data storage account.')
param dataAccountName string

@description('Application Insights component of both hosts.')
param applicationInsightsName string

@description('Key Vault holding the TLS certificate.')
param keyVaultName string

@description('Azure region (the Event Grid system topic lives with the vault).')
param location string

@description('Active messages on the inbound queue, averaged over 15 minutes, above which mail is arriving faster than it is routed.')
@minValue(1)
param inboundBacklogThreshold int = 1000

@description('Throttled storage transactions in 15 minutes above which to alert.')
@minValue(0)
param storageThrottlingThreshold int = 10

@description('Failed Functions requests (or exceptions) in 15 minutes above which to alert.')
@minValue(0)
param functionFailuresThreshold int = 5

var createActionGroup = empty(actionGroupId)
var notify = [
  {
    actionGroupId: createActionGroup ? actionGroup.id : actionGroupId
  }
]
// Every metric alert: evaluated every 5 minutes over the last 15, resolved by itself when the metric recovers.
var evaluationFrequency = 'PT5M'
var windowSize = 'PT15M'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (createActionGroup) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'cloudmail'
    enabled: true
    emailReceivers: empty(alertEmailAddress)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmailAddress
            useCommonAlertSchema: true
          }
        ]
  }
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource dataAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: dataAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for queueName in queueNames: {
    name: 'cloudmail-deadletters-${queueName}'
    location: 'global'
    tags: tags
    properties: {
      evaluationFrequency: evaluationFrequency
      windowSize: windowSize
      autoMitigate: true
      enabled: true
      description: 'Jobs dead-lettered on the ${queueName} queue: a message was not routed or delivered. Inspect with `cloudmail queue deadletters`.'
      severity: 1
      scopes: [
        serviceBus.id
      ]
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'deadlettered'
            metricNamespace: 'Microsoft.ServiceBus/namespaces'
            metricName: 'DeadletteredMessages'
            dimensions: [
              {
                name: 'EntityName'
                operator: 'Include'
                values: [
                  queueName
                ]
              }
            ]
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Maximum'
          }
        ]
      }
      actions: notify
    }
  }
]

resource inboundBacklog 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'cloudmail-inbound-backlog'
  location: 'global'
  tags: tags
  properties: {
    evaluationFrequency: evaluationFrequency
    windowSize: windowSize
    autoMitigate: true
    enabled: true
    description: 'More than ${inboundBacklogThreshold} accepted messages wait on the ${inboundQueueName} queue: the Functions app is not keeping up or not running.'
    severity: 2
    scopes: [
      serviceBus.id
    ]
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'backlog'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'ActiveMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                inboundQueueName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: inboundBacklogThreshold
          timeAggregation: 'Average'
        }
      ]
    }
    actions: notify
  }
}

resource storageThrottling 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'cloudmail-storage-throttling'
  location: 'global'
  tags: tags
  properties: {
    evaluationFrequency: evaluationFrequency
    windowSize: windowSize
    autoMitigate: true
    enabled: true
    description: 'The mail data account throttles requests (ServerBusyError, ClientThrottlingError): a partition or the account is over its scale target.'
    severity: 2
    scopes: [
      dataAccount.id
    ]
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'throttled'
          metricNamespace: 'Microsoft.Storage/storageAccounts'
          metricName: 'Transactions'
          dimensions: [
            {
              name: 'ResponseType'
              operator: 'Include'
              values: [
                'ServerBusyError'
                'ClientThrottlingError'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: storageThrottlingThreshold
          timeAggregation: 'Total'
        }
      ]
    }
    actions: notify
  }
}

resource functionFailures 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'cloudmail-function-failures'
  location: 'global'
  tags: tags
  properties: {
    evaluationFrequency: evaluationFrequency
    windowSize: windowSize
    autoMitigate: true
    enabled: true
    description: 'Functions invocations fail or throw: more than ${functionFailuresThreshold} in 15 minutes.'
    severity: 2
    scopes: [
      applicationInsights.id
    ]
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failedRequests'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'requests/failed'
          operator: 'GreaterThan'
          threshold: functionFailuresThreshold
          timeAggregation: 'Count'
        }
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'exceptions'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'exceptions/count'
          operator: 'GreaterThan'
          threshold: functionFailuresThreshold
          timeAggregation: 'Count'
        }
      ]
    }
    actions: notify
  }
}

resource vaultEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: '${keyVaultName}-events'
  location: location
  tags: tags
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }

  resource certificateExpiry 'eventSubscriptions' = {
    name: 'certificate-expiry'
    properties: {
      destination: {
        endpointType: 'MonitorAlert'
        properties: {
          severity: 'Sev1'
          description: 'A Key Vault certificate (the listener\'s TLS certificate) is about to expire or has expired: renew it in Key Vault; the listener apps read the new version.'
          actionGroups: [
            createActionGroup ? actionGroup.id : actionGroupId
          ]
        }
      }
      filter: {
        includedEventTypes: [
          'Microsoft.KeyVault.CertificateNearExpiry'
          'Microsoft.KeyVault.CertificateExpired'
        ]
      }
      eventDeliverySchema: 'CloudEventSchemaV1_0'
    }
  }
}
