// One listener container app: the `cloudmail listener` image serving a subset of the mail ports.
// containerapps.bicep declares it twice from the same image, `smtp` (25, 465, 587) and `mailbox`
// (143, 993, 110, 995): a container app may expose at most 5 TCP ports (1 + 4 additionalPortMappings),
// and the two kinds of traffic scale differently (short SMTP transactions, long-lived IMAP IDLE).
//
// The container listens on the exposed ports + 10000 (CloudMail__Ports__*) and ingress maps
// exposed -> target: the image runs as a non-root user, and whether the platform lets a non-root
// process bind ports below 1024 is not something this template can promise. Every mail port this app
// does not serve is set to -1, which the listener reads as "endpoint off" (PortOptions in the listener).

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added to the app).')
param tags object

@description('Container app name.')
@maxLength(32)
param appName string

@description('azd service name of this app (azure.yaml): also its tag azd-service-name, and the `app` of its ports in mailPorts.')
@allowed([
  'smtp'
  'mailbox'
])
param serviceName string

@description('Every mail port of the listener: { option (PortOptions property), port, app (smtp or mailbox) }. This app exposes those whose app is serviceName and disables the others.')
param mailPorts array

@description('Container Apps environment resource id.')
param environmentId string

@description('Resource id of the listener\'s user-assigned identity.')
param identityId string

@description('Client id of the listener\'s user-assigned identity.')
param identityClientId string

@description('Login server of the container registry.')
param registryLoginServer string

@description('Image; empty: a public placeholder until `azd deploy` pushes the real one.')
param imageName string

@description('Public mail host name (HELO name, TLS certificate name).')
param hostName string

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

@description('Image of a clamd sidecar (ClamAV\'s docker.io/clamav/clamav:stable) that scans port-25 mail on 127.0.0.1; empty (default): no sidecar, no scanning. See docs/antivirus.md.')
param clamdImage string = ''

@description('Fewest replicas: at least 2, so one replica restarting (or a zone failing, with a zone-redundant environment) never leaves the ports unanswered.')
@minValue(2)
param minReplicas int = 2

@description('Most replicas.')
@minValue(2)
@maxValue(300)
param maxReplicas int = 10

@description('Open TCP connections per replica before KEDA adds another replica.')
@minValue(1)
param concurrentConnectionsPerReplica int

@description('HTTP path of the listener\'s health endpoint on port 8080 (readiness probe).')
param healthPath string = '/healthz'

var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
var targetPortOffset = 10000
var healthPort = 8080
var appPorts = filter(mailPorts, p => p.app == serviceName)

var useTlsCertificate = !empty(tlsCertificateName)
var tlsSecretName = 'tls-certificate'
var tlsMountPath = '/mnt/tls'

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

// -1 turns an endpoint off (EndpointListenerService skips negative ports).
var portSettings = [
  for p in mailPorts: {
    name: 'CloudMail__Ports__${p.option}'
    value: p.app == serviceName ? string(p.port + targetPortOffset) : '-1'
  }
]

// Key Vault hands a certificate out as the base64 text of its PKCS#12 (PFX) bytes; that text is the file's content.
var tlsSettings = useTlsCertificate
  ? [
      { name: 'CloudMail__TlsCertificatePath', value: '${tlsMountPath}/tls.pfx' }
    ]
  : []

// The optional clamd sidecar: containers of one replica share localhost, so the listener reaches it on loopback.
// 1 vCPU / 2 GiB (clamd holds the signature database in memory) plus the listener's 0.5 / 1 GiB make 1.5 / 3 GiB, a
// valid Consumption combination. Its first start downloads the database (freshclam), so the startup probe waits long;
// meanwhile port-25 mail is deferred (451), never delivered unscanned (CloudMail:Antivirus:AcceptWhenUnavailable).
var clamdPort = 3310
var useClamd = !empty(clamdImage)
var antivirusSettings = useClamd
  ? [
      { name: 'CloudMail__Antivirus__Clamd', value: 'tcp://127.0.0.1:${clamdPort}' }
    ]
  : []
var clamdSidecars = useClamd
  ? [
      {
        name: 'clamd'
        image: clamdImage
        resources: {
          cpu: json('1.0')
          memory: '2Gi'
        }
        probes: [
          {
            type: 'Startup'
            tcpSocket: {
              port: clamdPort
            }
            periodSeconds: 60
            failureThreshold: 10
          }
          {
            type: 'Liveness'
            tcpSocket: {
              port: clamdPort
            }
            periodSeconds: 30
            failureThreshold: 3
          }
        ]
      }
    ]
  : []

var listenerContainer = {
  name: 'listener'
  image: empty(imageName) ? placeholderImage : imageName
  resources: {
    cpu: json('0.5')
    memory: '1Gi'
  }
  env: concat(identitySettings, listenerSettings, portSettings, tlsSettings, antivirusSettings)
  probes: [
    {
      type: 'Startup'
      tcpSocket: {
        port: appPorts[0].port + targetPortOffset
      }
      // Container Apps allows failureThreshold 1-10: 10 tries 15 s apart give the listener 150 s to start.
      periodSeconds: 15
      failureThreshold: 10
    }
    {
      type: 'Liveness'
      tcpSocket: {
        port: appPorts[0].port + targetPortOffset
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

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        transport: 'tcp'
        exposedPort: appPorts[0].port
        targetPort: appPorts[0].port + targetPortOffset
        additionalPortMappings: map(skip(appPorts, 1), p => {
          external: true
          exposedPort: p.port
          targetPort: p.port + targetPortOffset
        })
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
      // The listener first (the tests read its probes), then the optional clamd sidecar.
      containers: concat([listenerContainer], clamdSidecars)
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
            // KEDA TCP scaler: replicas = open connections / concurrentConnections.
            name: 'tcp'
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

output appName string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output exposedPorts array = map(appPorts, p => p.port)
