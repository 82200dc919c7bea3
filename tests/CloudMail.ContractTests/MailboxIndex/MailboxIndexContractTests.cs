using CloudMail.Core.Mailboxes;
using CloudMail.Core.Blobs;

namespace CloudMail.ContractTests;

/// <summary>
/// The <see cref="IMailboxIndex"/> contract. Split by topic over several files; every test works in a fresh
/// account from <see cref="Unique.Account"/>.
/// </summary>
public abstract partial class MailboxIndexContractTests : ContractTest<IMailboxIndex>
{
    protected const string Inbox = DefaultMailboxes.Inbox;

    protected IMailboxIndex Index => Subject;

    /// <summary>A fresh account with the default mailboxes.</summary>
    protected async Task<string> NewAccountAsync()
    {
        string account = Unique.Account();
        await Index.EnsureDefaultMailboxesAsync(account, Ct);
        return account;
    }

    protected Task<AppendResult> AppendAsync(string account, string mailbox = Inbox, MessageFlags flags = MessageFlags.None,
        IReadOnlyList<string>? keywords = null, string? idempotencyKey = null, BlobRef? blob = null) =>
        Index.AppendAsync(account, mailbox, blob ?? TestData.BlobRef(), TestData.Now(), flags, keywords ?? [], idempotencyKey, Ct);

    protected async Task<MailboxInfo> MailboxAsync(string account, string mailbox = Inbox) =>
        await Index.GetMailboxAsync(account, mailbox, Ct) ?? throw new Xunit.Sdk.XunitException($"Mailbox '{mailbox}' is missing.");

    protected async Task<MessageRecord> MessageAsync(string account, string mailbox, uint uid) =>
        Assert.Single(await Index.GetMessagesAsync(account, mailbox, Ct), m => m.Uid == uid);

    /// <summary>The structure the index keeps for message <paramref name="uid"/>, or null.</summary>
    protected async Task<string?> KeptAsync(string account, string mailbox, uint uid) =>
        (await Index.GetStructuresAsync(account, mailbox, [uid], Ct)).SingleOrDefault()?.Value;

    protected static FlagUpdate Flags(FlagUpdateMode mode, MessageFlags flags, params string[] keywords) => new(mode, flags, keywords);

    protected static void AssertKeywords(IEnumerable<string> expected, IEnumerable<string> actual) =>
        Assert.Equal(expected.Order(StringComparer.OrdinalIgnoreCase), actual.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
}
