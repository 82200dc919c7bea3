// Container Apps environment on the VNet (TCP ingress needs a custom VNet) and the two listener apps
// from the same `cloudmail listener` image (listenerapp.bicep): `smtp` serves SMTP 25, submissions 465
// and submission 587; `mailbox` serves IMAP 143, IMAPS 993, POP3 110 and POP3S 995. One app cannot
// expose all seven: Container Apps allows at most 5 TCP ports per app (exposedPort + 4
// additionalPortMappings). Exposed ports are unique in the environment and all share its public IP, so
// one A record (the mail host name -> staticIp) reaches both apps.
//
// Plain `docker run` (no Container Apps) uses the image defaults: every port, as EXPOSEd in the Dockerfile.

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added to each app).')
param tags object

@description('Container Apps environment name.')
param environmentName string

@description('SMTP app name (25, 465, 587).')
@maxLength(32)
param smtpAppName string

@description('Mailbox app name (143, 993, 110, 995).')
@maxLength(32)
param mailboxAppName string

@description('Infrastructure subnet (delegated to Microsoft.App/environments).')
param infrastructureSubnetId string

@description('Spread the environment\'s replicas over availability zones. Needs the custom VNet subnet (network.bicep provides it) in a region with zones; can only be chosen when the environment is created.')
param zoneRedundant bool = false

@description('Resource id of the listener\'s user-assigned identity (both apps).')
param identityId string

@description('Client id of the listener\'s user-assigned identity.')
param identityClientId string

@description('Login server of the container registry.')
param registryLoginServer string

@description('SMTP app image (azd: SERVICE_SMTP_IMAGE_NAME); empty: a public placeholder.')
param smtpImageName string

@description('Mailbox app image (azd: SERVICE_MAILBOX_IMAGE_NAME); the same Dockerfile, so the same image content; empty: a public placeholder.')
param mailboxImageName string

@description('Public mail host name (MX target, TLS certificate name); empty: the SMTP app\'s own FQDN.')
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

@description('Fewest SMTP replicas (at least 2: port 25 must always answer).')
@minValue(2)
param smtpMinReplicas int = 2

@description('Most SMTP replicas.')
@minValue(2)
@maxValue(300)
param smtpMaxReplicas int = 10

@description('Open connections per SMTP replica before another is added (SMTP sessions are short).')
@minValue(1)
param smtpConcurrentConnections int = 100

@description('Fewest mailbox replicas (at least 2).')
@minValue(2)
param mailboxMinReplicas int = 2

@description('Most mailbox replicas.')
@minValue(2)
@maxValue(300)
param mailboxMaxReplicas int = 10

@description('Open connections per mailbox replica before another is added (IMAP IDLE sessions are long-lived and mostly idle).')
@minValue(1)
param mailboxConcurrentConnections int = 500

@description('Image of the optional clamd sidecar of the smtp app (e.g. docker.io/clamav/clamav:stable), which scans port-25 mail; empty (default): no sidecar, no scanning. See docs/antivirus.md.')
param clamdImage string = ''

// Option names are the properties of PortOptions (section CloudMail:Ports) in the listener; `app` is
// the listener app (azd service) that serves the port. Each app sets the others' ports to -1 (off).
var mailPorts = [
  { option: 'Smtp', port: 25, app: 'smtp' }
  { option: 'Submissions', port: 465, app: 'smtp' }
  { option: 'Submission', port: 587, app: 'smtp' }
  { option: 'Imap', port: 143, app: 'mailbox' }
  { option: 'Imaps', port: 993, app: 'mailbox' }
  { option: 'Pop3', port: 110, app: 'mailbox' }
  { option: 'Pop3s', port: 995, app: 'mailbox' }
]

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    // Console and system logs go through the environment's diagnostic setting (diagnostics.bicep) to the
    // Log Analytics workspace: no workspace shared key in the environment.
    appLogsConfiguration: {
      destination: 'azure-monitor'
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
    zoneRedundant: zoneRedundant
  }
}

var hostName = empty(mailHostName) ? '${smtpAppName}.${environment.properties.defaultDomain}' : mailHostName

// The two apps, in this order (outputs index them): the same module and image, each scaling on its own.
var listenerApps = [
  {
    serviceName: 'smtp'
    appName: smtpAppName
    imageName: smtpImageName
    minReplicas: smtpMinReplicas
    maxReplicas: smtpMaxReplicas
    concurrentConnections: smtpConcurrentConnections
  }
  {
    serviceName: 'mailbox'
    appName: mailboxAppName
    imageName: mailboxImageName
    minReplicas: mailboxMinReplicas
    maxReplicas: mailboxMaxReplicas
    concurrentConnections: mailboxConcurrentConnections
  }
]

module apps 'listenerapp.bicep' = [
  for app in listenerApps: {
    name: '${app.serviceName}-app'
    params: {
      location: location
      tags: tags
      appName: app.appName
      serviceName: app.serviceName
      imageName: app.imageName
      minReplicas: app.minReplicas
      maxReplicas: app.maxReplicas
      concurrentConnectionsPerReplica: app.concurrentConnections
      mailPorts: mailPorts
      environmentId: environment.id
      identityId: identityId
      identityClientId: identityClientId
      registryLoginServer: registryLoginServer
      hostName: hostName
      tlsCertificateName: tlsCertificateName
      keyVaultUri: keyVaultUri
      dataBlobEndpoint: dataBlobEndpoint
      dataTableEndpoint: dataTableEndpoint
      serviceBusFullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      applicationInsightsConnectionString: applicationInsightsConnectionString
      // Only the smtp app receives port-25 mail, so only it gets the scanner.
      clamdImage: app.serviceName == 'smtp' ? clamdImage : ''
    }
  }
]

output environmentName string = environment.name
output environmentId string = environment.id
output staticIp string = environment.properties.staticIp
output smtpAppName string = apps[0].outputs.appName
output smtpFqdn string = apps[0].outputs.fqdn
output mailboxAppName string = apps[1].outputs.appName
output mailboxFqdn string = apps[1].outputs.fqdn
output mailHostName string = hostName
output exposedPorts array = concat(apps[0].outputs.exposedPorts, apps[1].outputs.exposedPorts)
