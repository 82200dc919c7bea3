// The Event Grid custom topic the Functions app publishes mail events to (CloudMail:Events:EventGrid:Endpoint):
// CloudEvents 1.0 input schema, Entra ID only (local auth, i.e. access keys and SAS, disabled), TLS 1.2.
// Only the Functions app's identity may publish (EventGrid Data Sender on this topic, in roles.bicep).
// Subscribers (a Logic App, a Function, a webhook, Service Bus, Storage queue...) are added by the operator with
// `az eventgrid event-subscription create --source-resource-id <topic id> ...` (infra/README.md).

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Topic name.')
param topicName string

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: topicName
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    minimumTlsVersionAllowed: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

output topicName string = topic.name
output topicId string = topic.id

@description('The publish endpoint (https://<name>.<region>-1.eventgrid.azure.net/api/events).')
output endpoint string = topic.properties.endpoint
