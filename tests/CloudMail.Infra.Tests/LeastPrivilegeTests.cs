using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CloudMail.Infra.Tests.Infrastructure;
using CloudMail.Storage.Azure;

namespace CloudMail.Infra.Tests;

/// <summary>
/// Every role assignment lives in infra/modules/roles.bicep, uses a built-in role by its well-known id (or the one
/// custom role, which holds the single data action no built-in role grants alone), and the set of (principal, role,
/// scope) is exactly the least-privilege set the design calls for. Widening a grant means changing this test on purpose.
/// </summary>
[Collection(CompiledInfraCollection.Name)]
public sealed partial class LeastPrivilegeTests(CompiledInfraFixture infra)
{
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    // Built-in role definition ids (the same in every tenant).
    private static readonly Dictionary<string, string> BuiltInRoles = new()
    {
        ["serviceBusDataSender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        ["serviceBusDataReceiver"] = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        ["storageBlobDataContributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["storageTableDataContributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["storageTableDataReader"] = "76199698-9eea-4c19-bc75-cec21354c6b6",
        ["keyVaultSecretsUser"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["keyVaultSecretsOfficer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["keyVaultCertificatesOfficer"] = "a4417e6f-fecd-4de8-b567-7b0420556985",
        ["keyVaultCryptoUser"] = "12338af0-0e69-4776-bea7-57ae8d297424",
        ["keyVaultCryptoOfficer"] = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
        ["acrPull"] = "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        ["eventGridDataSender"] = "d5a91429-5739-47e2-a06b-3470a27159e7",
    };

    private static readonly string[] ForbiddenRoles =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
        "090c5cfd-751d-490a-894a-3ce6f1109419", // Azure Service Bus Data Owner
        "00482a5a-887f-4fb3-b363-3b7fe8e74483", // Key Vault Administrator
        "17d1049b-9a84-46fb-8f53-869881c3d3ab", // Storage Account Contributor
    ];

    [Fact]
    public void Only_roles_bicep_assigns_roles()
    {
        string[] elsewhere = System.IO.Directory.GetFiles(RepoPaths.Of("infra"), "*.bicep", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "roles.bicep")
            .Where(f => File.ReadAllText(f).Contains(RoleAssignmentType, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.Empty(elsewhere);

        string[] compiledElsewhere = infra.Main.SelfAndModules()
            .Where(t => t.Name != "roles" && t.ResourcesOfType(RoleAssignmentType).Any())
            .Select(t => t.Name).ToArray();
        Assert.Empty(compiledElsewhere);
        Assert.NotEmpty(infra.Main.Module("roles").ResourcesOfType(RoleAssignmentType));
    }

    [Fact]
    public void Roles_are_the_built_in_ones_by_their_well_known_ids()
    {
        ArmTemplate roles = infra.Main.Module("roles");
        var declared = ((JsonObject)roles.Resolve(roles.Variables["roles"])!).ToDictionary(p => p.Key, p => (string)p.Value!);

        Assert.Equal(BuiltInRoles.OrderBy(p => p.Key), declared.OrderBy(p => p.Key));
        Assert.DoesNotContain(ForbiddenRoles, id => infra.Main.Text.Contains(id, StringComparison.OrdinalIgnoreCase));
        Assert.All(roles.ResourcesOfType(RoleAssignmentType).Where(r => !IsCustomRole(r)), r =>
            Assert.Matches(@"^\[subscriptionResourceId\('Microsoft.Authorization/roleDefinitions', variables\('roles'\)\.\w+\)\]$", (string)r["properties"]!["roleDefinitionId"]!));
    }

    [Fact]
    public void The_one_custom_role_reads_blob_index_tags_and_nothing_else_and_exists_only_with_Defender_scanning()
    {
        ArmTemplate roles = infra.Main.Module("roles");
        JsonObject definition = roles.Resource("blobTagReader");
        JsonObject permissions = (JsonObject)definition["properties"]!["permissions"]![0]!;

        Assert.Equal("Microsoft.Authorization/roleDefinitions", (string?)definition["type"]);
        Assert.Equal(["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/read"], ((JsonArray)permissions["dataActions"]!).Select(a => (string)a!));
        Assert.Empty((JsonArray)permissions["actions"]!);
        Assert.Equal("[parameters('defenderMalwareScanning')]", (string?)definition["condition"]);
        JsonObject assignment = Assignment(roles, "functionsBlobTags");
        Assert.Equal("[parameters('defenderMalwareScanning')]", (string?)assignment["condition"]);
        Assert.True(IsCustomRole(assignment));
        Assert.Single(roles.ResourcesOfType("Microsoft.Authorization/roleDefinitions"));
    }

    [Fact]
    public void Assignments_are_exactly_the_least_privilege_set()
    {
        string[] expected =
        [
            "listener serviceBusDataSender serviceBus::inboundQueue",
            "listener storageBlobDataContributor dataAccount::blobService::messages",
            "listener storageTableDataReader dataAccount::tableService::directory",
            "listener storageTableDataReader dataAccount::tableService::senderLists",
            "listener storageTableDataContributor listenerTables[i]",
            "listener keyVaultSecretsUser vault::tlsSecret",
            "listener acrPull registry",
            "listener monitoringMetricsPublisher applicationInsights",
            "functions serviceBusDataReceiver pipelineQueues[i]",
            "functions serviceBusDataSender pipelineQueues[i]",
            "functions storageBlobDataContributor dataAccount::blobService::messages",
            "functions storageTableDataReader dataAccount::tableService::directory",
            "functions storageTableDataReader dataAccount::tableService::dkimKeys",
            "functions storageTableDataReader dataAccount::tableService::senderLists",
            "functions storageTableDataReader dataAccount::tableService::webhooks",
            "functions storageTableDataContributor functionsTables[i]",
            "functions storageBlobDataOwner hostAccount",
            "functions keyVaultSecretsUser vault",
            "functions keyVaultCryptoUser vault",
            "functions monitoringMetricsPublisher applicationInsights",
            "functions blobTagReader dataAccount::blobService::messages",
            "functions eventGridDataSender eventGridTopic",
            "deployer keyVaultSecretsOfficer vault",
            "deployer keyVaultCertificatesOfficer vault",
            "deployer keyVaultCryptoOfficer vault",
            "deployer storageTableDataContributor dataAccount",
        ];

        Assert.Equal(expected.Order(), ParseRoleAssignments(RepoPaths.Read("infra", "modules", "roles.bicep")).Order());
    }

    [Fact]
    public void Listener_reads_the_directory_and_writes_only_the_tables_it_writes()
    {
        ArmTemplate roles = infra.Main.Module("roles");

        Assert.Equal(AzureResourceNames.Tables.Directory, (string?)roles.Resolve(roles.Variables["directoryTableName"]));
        // SMTP intake: the intake marker and the DMARC report counts of the inbound check; IMAP/POP3: the mailbox index and,
        // on appends and expunges, blob holders and reclaim candidates; IMAP filings into and out of Junk: the spam
        // training signals (recorded by the IMAP session, their learning state by the listener's rspamd learner); port 25's
        // greylisting: the triplets every replica shares.
        Assert.Equal(
            new[]
            {
                AzureResourceNames.Tables.MailboxIndex, AzureResourceNames.Tables.IntakeOutbox, AzureResourceNames.Tables.BlobHolders,
                AzureResourceNames.Tables.ReclaimCandidates, AzureResourceNames.Tables.DmarcReports, AzureResourceNames.Tables.SpamTraining,
                AzureResourceNames.Tables.Greylist,
            }.Order(),
            TableList(roles, "listenerWrittenTables").Order());
        Assert.DoesNotContain(AzureResourceNames.Tables.Directory, TableList(roles, "listenerWrittenTables"));
        Assert.DoesNotContain(AzureResourceNames.Tables.DeliveryLog, TableList(roles, "listenerWrittenTables"));
        Assert.DoesNotContain(AzureResourceNames.Tables.Idempotency, TableList(roles, "listenerWrittenTables"));
        // The session's scan refuses a virus; only the pipeline (Functions) quarantines, so the listener never touches it.
        Assert.DoesNotContain(AzureResourceNames.Tables.Quarantine, TableList(roles, "listenerWrittenTables"));

        JsonObject reader = Assignment(roles, "listenerDirectory");
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/tableServices/tables', parameters('dataAccountName'), 'default', variables('directoryTableName'))]", (string?)reader["scope"]);
        JsonObject writer = Assignment(roles, "listenerTableWriter");
        Assert.Equal("[length(variables('listenerWrittenTables'))]", (string?)writer["copy"]!["count"]);
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/tableServices/tables', parameters('dataAccountName'), 'default', variables('listenerWrittenTables')[copyIndex()])]",
            (string?)writer["scope"]);
    }

    [Fact]
    public void Functions_read_the_directory_and_the_DKIM_keys_and_write_every_other_table()
    {
        ArmTemplate roles = infra.Main.Module("roles");

        // Spam training signals (IMAP filings and the rspamd learner) and greylisting triplets (port 25) are the listener's alone: no access at all.
        Assert.Equal(AzureResourceNames.Tables.All.Where(t => t != AzureResourceNames.Tables.Directory && t != AzureResourceNames.Tables.DkimKeys && t != AzureResourceNames.Tables.SenderLists && t != AzureResourceNames.Tables.Webhooks
                && t != AzureResourceNames.Tables.SpamTraining && t != AzureResourceNames.Tables.Greylist).Order(),
            TableList(roles, "functionsWrittenTables").Order());
        Assert.Contains(AzureResourceNames.Tables.Quarantine, TableList(roles, "functionsWrittenTables"));
        Assert.Equal("[length(variables('functionsWrittenTables'))]", (string?)Assignment(roles, "functionsTableWriter")["copy"]!["count"]);
    }

    [Fact]
    public void Listener_may_read_the_TLS_certificate_secret_and_nothing_else_in_Key_Vault()
    {
        ArmTemplate roles = infra.Main.Module("roles");
        JsonObject tls = Assignment(roles, "listenerTlsSecret");

        Assert.Equal("[not(empty(parameters('tlsCertificateName')))]", (string?)tls["condition"]);
        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults/secrets', parameters('keyVaultName'), if(empty(parameters('tlsCertificateName')), 'no-tls-certificate', parameters('tlsCertificateName')))]",
            (string?)tls["scope"]);
        Assert.Equal("[parameters('tlsCertificateName')]", (string?)infra.Main.ModuleParameters("roles")["tlsCertificateName"]!["value"]);

        // No listener assignment at the vault itself: DKIM keys and the relay password stay out of reach.
        Assert.DoesNotContain(ParseRoleAssignments(RepoPaths.Read("infra", "modules", "roles.bicep")), a => a.StartsWith("listener ", StringComparison.Ordinal) && a.EndsWith(" vault", StringComparison.Ordinal));
    }

    [Fact]
    public void Functions_sign_with_the_DKIM_vault_keys_as_Crypto_User_on_the_vault_and_may_not_create_or_export_them()
    {
        ArmTemplate roles = infra.Main.Module("roles");
        JsonObject signing = Assignment(roles, "functionsDkimSigning");

        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))]", (string?)signing["scope"]);
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('roles').keyVaultCryptoUser)]",
            (string?)signing["properties"]!["roleDefinitionId"]);
        Assert.Equal("12338af0-0e69-4776-bea7-57ae8d297424", BuiltInRoles["keyVaultCryptoUser"]);
        // Creating keys (Crypto Officer) is the operator's, for `cloudmail dkim generate`; the app only signs.
        Assert.Equal(["functions keyVaultCryptoUser vault", "deployer keyVaultCryptoOfficer vault"],
            ParseRoleAssignments(RepoPaths.Read("infra", "modules", "roles.bicep")).Where(a => a.Contains(" keyVaultCrypto", StringComparison.Ordinal)));
    }

    [Fact]
    public void Blob_Data_Owner_lands_on_the_Functions_host_account_never_on_mail()
    {
        // roles.bicep's hostAccount and dataAccount are the accounts main.bicep gives the storage module.
        ArmTemplate main = infra.Main;
        JsonObject rolesParams = main.ModuleParameters("roles");
        JsonObject storageParams = main.ModuleParameters("storage");

        Assert.Equal(storageParams["hostAccountName"]!.ToJsonString(), rolesParams["hostAccountName"]!.ToJsonString());
        Assert.Equal(storageParams["dataAccountName"]!.ToJsonString(), rolesParams["dataAccountName"]!.ToJsonString());
        Assert.NotEqual(rolesParams["dataAccountName"]!.ToJsonString(), rolesParams["hostAccountName"]!.ToJsonString());
    }

    [Fact]
    public void Managed_identities_are_assigned_as_service_principals()
    {
        ArmTemplate roles = infra.Main.Module("roles");
        Assert.All(roles.ResourcesOfType(RoleAssignmentType).Where(r => !((string)r["properties"]!["principalId"]!).Contains("deployer", StringComparison.Ordinal)),
            r => Assert.Equal("ServicePrincipal", (string?)r["properties"]!["principalType"]));
    }

    /// <summary>The assignment grants roles.bicep's custom role (its definition's name is a guid of this seed).</summary>
    private static bool IsCustomRole(JsonObject assignment) =>
        ((string?)assignment["properties"]!["roleDefinitionId"] ?? "").Contains("'cloudmail-blob-index-tag-reader'", StringComparison.Ordinal);

    private static JsonObject Assignment(ArmTemplate roles, string symbolicName)
    {
        JsonObject assignment = roles.Resource(symbolicName);
        Assert.Equal(RoleAssignmentType, (string?)assignment["type"]);
        return assignment;
    }

    private static IEnumerable<string> TableList(ArmTemplate roles, string variable) =>
        ((JsonArray)roles.Resolve(roles.Variables[variable])!).Select(t => (string)t!);


    private static IEnumerable<string> ParseRoleAssignments(string bicep)
    {
        string[] blocks = RoleAssignmentStart().Split(bicep).Skip(1).ToArray();
        Assert.NotEmpty(blocks);
        foreach (string block in blocks)
        {
            string body = block.Split("\n}\n")[0];
            string scope = ScopeLine().Match(body).Groups[1].Value.Trim();
            string principal = PrincipalLine().Match(body).Groups[1].Value;
            Match roleMatch = RoleReference().Match(body);
            string role = roleMatch.Groups[1].Success ? roleMatch.Groups[1].Value : roleMatch.Groups[2].Value;
            Assert.False(string.IsNullOrEmpty(scope) || string.IsNullOrEmpty(principal) || string.IsNullOrEmpty(role), "unreadable role assignment:\n" + body);
            yield return $"{principal.Replace("PrincipalId", "", StringComparison.Ordinal)} {role} {scope}";
        }
    }

    [GeneratedRegex(@"^resource \w+ 'Microsoft\.Authorization/roleAssignments@[^']+' = ", RegexOptions.Multiline)]
    private static partial Regex RoleAssignmentStart();

    [GeneratedRegex(@"^\s*scope: (.+)$", RegexOptions.Multiline)]
    private static partial Regex ScopeLine();

    [GeneratedRegex(@"^\s*principalId: (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PrincipalLine();

    [GeneratedRegex(@"(?:roleDefinitions', roles\.(\w+)\)|roleDefinitionId: (blobTagReader)\.id)")]
    private static partial Regex RoleReference();
}
