// Container Apps environment on the VNet (TCP ingress needs a custom VNet) and the listener app:
// SMTP 25, submissions 465, submission 587, IMAP 143, IMAPS 993, POP3 110, POP3S 995, each exposed
// as itself on the environment's public IP.
//
// The container listens on the same ports + 10000 (CloudMail__Ports__* below) and ingress maps
// exposed -> target: the image runs as a non-root user, and whether the platform lets a non-root
// process bind ports below 1024 is not something this template can promise. Plain `docker run`
// (which allows it) uses the image defaults: 25, 465, ... as EXPOSEd in the Dockerfile.

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added to the app).')
param tags object

@description('Container Apps environment name.')
param environmentName string

@description('Listener container app name.')
@maxLength(32)
param listenerAppName string

@description('Log Analytics workspace receiving the container logs.')
param logAnalyticsName string

@description('Infrastructure subnet (delegated to Microsoft.App/environments).')
param infrastructureSubnetId string

@description('Resource id of the listener\'s user-assigned identity.')
param identityId string

@description('Client id of the listener\'s user-assigned identity.')
param identityClientId string

@description('Login server of the container registry.')
param registryLoginServer string

@description('Listener image; empty: a public placeholder until `azd deploy listener` pushes the real one.')
param listenerImageName string

@description('Public mail host name (MX target, TLS certificate name); empty: the app\'s own FQDN.')
param mailHostName string

@description('Name of the Key Vault certificate to serve for TLS; empty: the listener makes a self-signed one (tests only).')
param tlsCertificateName string

@description('Key Vault URI.')
param keyVaultUri string

@description('Blob endpoint of the mail data account.')
param dataBlobEndpoint string

@description('Table endpoint of the mail data account.')
param dataTableEndpoint string

@description('Service Bus namespace host name.')
param serviceBusFullyQualifiedNamespace string

@description('Application Insights connection string (ingestion is Entra ID authenticated).')
param applicationInsightsConnectionString string

@description('Fewest replicas. At least 1: port 25 must always answer.')
@minValue(1)
param minReplicas int = 1

@description('Most replicas.')
@minValue(1)
@maxValue(300)
param maxReplicas int = 5

@description('Open connections per replica before another replica is added (IMAP IDLE sessions are long-lived).')
param concurrentConnectionsPerReplica int = 200

@description('HTTP path of the listener\'s health endpoint on port 8080 (readiness probe).')
param healthPath string = '/healthz'

var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
var targetPortOffset = 10000
var healthPort = 8080

// Option names are the properties of CloudMailOptions.Ports (section CloudMail:Ports) in the listener.
var mailPorts = [
  { option: 'Smtp', port: 25 }
  { option: 'Submissions', port: 465 }
  { option: 'Submission', port: 587 }
  { option: 'Imap', port: 143 }
  { option: 'Imaps', port: 993 }
  { option: 'Pop3', port: 110 }
  { option: 'Pop3s', port: 995 }
]

var useTlsCertificate = !empty(tlsCertificateName)
var tlsSecretName = 'tls-certificate'
var tlsMountPath = '/mnt/tls'

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: {
      infrastructureSubnetId: infrastructureSubnetId
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    zoneRedundant: false
  }
}

var hostName = empty(mailHostName) ? '${listenerAppName}.${environment.properties.defaultDomain}' : mailHostName

var identitySettings = [
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'CloudMailStorage__blobServiceUri', value: dataBlobEndpoint }
  { name: 'CloudMailStorage__tableServiceUri', value: dataTableEndpoint }
  { name: 'CloudMailStorage__credential', value: 'managedidentity' }
  { name: 'CloudMailStorage__clientId', value: identityClientId }
  { name: 'CloudMailServiceBus__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'CloudMailServiceBus__credential', value: 'managedidentity' }
  { name: 'CloudMailServiceBus__clientId', value: identityClientId }
  { name: 'CloudMailKeyVault__vaultUri', value: keyVaultUri }
  { name: 'CloudMailKeyVault__credential', value: 'managedidentity' }
  { name: 'CloudMailKeyVault__clientId', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

var listenerSettings = [
  { name: 'CloudMail__HostName', value: hostName }
  { name: 'CloudMail__DataDirectory', value: '/var/lib/cloudmail' }
  { name: 'ASPNETCORE_HTTP_PORTS', value: string(healthPort) }
]

var portSettings = [
  for p in mailPorts: { name: 'CloudMail__Ports__${p.option}', value: string(p.port + targetPortOffset) }
]

// Key Vault hands a certificate out as the base64 text of its PKCS#12 (PFX) bytes; that text is the file's content.
var tlsSettings = useTlsCertificate
  ? [
      { name: 'CloudMail__TlsCertificatePath', value: '${tlsMountPath}/tls.pfx' }
    ]
  : []

resource listener 'Microsoft.App/containerApps@2025-01-01' = {
  name: listenerAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'listener' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        transport: 'tcp'
        exposedPort: mailPorts[0].port
        targetPort: mailPorts[0].port + targetPortOffset
        additionalPortMappings: [
          for p in skip(mailPorts, 1): {
            external: true
            exposedPort: p.port
            targetPort: p.port + targetPortOffset
          }
        ]
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: useTlsCertificate
        ? [
            {
              name: tlsSecretName
              keyVaultUrl: '${keyVaultUri}secrets/${tlsCertificateName}'
              identity: identityId
            }
          ]
        : []
    }
    template: {
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'listener'
          image: empty(listenerImageName) ? placeholderImage : listenerImageName
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(identitySettings, listenerSettings, portSettings, tlsSettings)
          probes: [
            {
              type: 'Startup'
              tcpSocket: {
                port: mailPorts[0].port + targetPortOffset
              }
              periodSeconds: 5
              failureThreshold: 30
            }
            {
              type: 'Liveness'
              tcpSocket: {
                port: mailPorts[0].port + targetPortOffset
              }
              periodSeconds: 30
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                port: healthPort
                path: healthPath
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
          volumeMounts: useTlsCertificate
            ? [
                {
                  volumeName: 'tls'
                  mountPath: tlsMountPath
                }
              ]
            : []
        }
      ]
      volumes: useTlsCertificate
        ? [
            {
              name: 'tls'
              storageType: 'Secret'
              secrets: [
                {
                  secretRef: tlsSecretName
                  path: 'tls.pfx'
                }
              ]
            }
          ]
        : []
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'tcp-connections'
            tcp: {
              metadata: {
                concurrentConnections: string(concurrentConnectionsPerReplica)
              }
            }
          }
          {
            name: 'cpu'
            custom: {
              type: 'cpu'
              metadata: {
                type: 'Utilization'
                value: '70'
              }
            }
          }
        ]
      }
    }
  }
}

output environmentName string = environment.name
output staticIp string = environment.properties.staticIp
output listenerAppName string = listener.name
output listenerFqdn string = listener.properties.configuration.ingress.fqdn
output mailHostName string = hostName
output exposedPorts array = [for p in mailPorts: p.port]
