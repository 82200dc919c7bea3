using CloudMail.ContractTests;
using CloudMail.Core.Delivery;
using CloudMail.Core.Directory;
using CloudMail.Core.Mailboxes;
using CloudMail.Core.Storage;
using CloudMail.Storage.Azure.Tests.Support;

namespace CloudMail.Storage.Azure.Tests.Contracts;

// The backend-independent contract suite (the same tests the embedded backend passes), bound to Azure
// Storage on Azurite: real Blob and Table protocol, real ETags, real entity-group transactions.

public sealed class AzureMessageBlobStoreTests(AzuriteFixture fixture)
    : MessageBlobStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IMessageBlobStore> CreateSubjectAsync() => Task.FromResult(fixture.Blobs);
}

public sealed class AzureMailDirectoryTests(AzuriteFixture fixture)
    : MailDirectoryContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IMailDirectory> CreateSubjectAsync() => Task.FromResult(fixture.Directory);
}

public sealed class AzureMailboxIndexTests(AzuriteFixture fixture)
    : MailboxIndexContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IMailboxIndex> CreateSubjectAsync() => Task.FromResult(fixture.Mailboxes);
}

public sealed class AzureDeliveryLogTests(AzuriteFixture fixture)
    : DeliveryLogContractTests, IClassFixture<AzuriteFixture>
{
    protected override Task<IDeliveryLog> CreateSubjectAsync() => Task.FromResult(fixture.DeliveryLog);
}
