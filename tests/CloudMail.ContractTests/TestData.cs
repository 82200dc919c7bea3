using System.Security.Cryptography;
using CloudMail.Core.Messages;
using CloudMail.Core.Queue;
using CloudMail.Core.Blobs;

namespace CloudMail.ContractTests;

/// <summary>Small builders shared by the contract tests.</summary>
public static class TestData
{
    /// <summary>Now, truncated to whole seconds so every backend stores it exactly.</summary>
    public static DateTimeOffset Now()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A claim-check to a blob that need not exist (the mailbox index only stores references).</summary>
    public static BlobRef BlobRef(long size = 1234) =>
        new(Unique.MessageId(), size, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    public static Envelope Envelope(params string[] recipients) => new(
        MailFrom: "sender@example.org",
        Recipients: recipients.Length == 0 ? ["rcpt@contract.test"] : recipients,
        AuthenticatedUser: null,
        RemoteAddress: "192.0.2.10",
        HeloName: "mx.example.org",
        ReceivedAt: Now());

    public static MailJob Job(IReadOnlyList<string>? recipients = null)
    {
        string id = Unique.MessageId();
        return new MailJob(id, id, BlobRef(), Envelope("a@contract.test", "b@contract.test"), recipients);
    }

    /// <summary>Asserts that a stored and read back job equals <paramref name="expected"/> member by member (lists by content).</summary>
    public static void AssertSameJob(MailJob expected, MailJob actual)
    {
        Assert.Equal(expected.JobId, actual.JobId);
        Assert.Equal(expected.MessageId, actual.MessageId);
        Assert.Equal(expected.Blob, actual.Blob);
        Assert.Equal(expected.Envelope.MailFrom, actual.Envelope.MailFrom);
        Assert.Equal(expected.Envelope.Recipients, actual.Envelope.Recipients);
        Assert.Equal(expected.Envelope.AuthenticatedUser, actual.Envelope.AuthenticatedUser);
        Assert.Equal(expected.Envelope.RemoteAddress, actual.Envelope.RemoteAddress);
        Assert.Equal(expected.Envelope.HeloName, actual.Envelope.HeloName);
        Assert.Equal(expected.Envelope.ReceivedAt, actual.Envelope.ReceivedAt);
        Assert.Equal(expected.Recipients, actual.Recipients);
        Assert.Equal(expected.EffectiveRecipients, actual.EffectiveRecipients);
    }
}
