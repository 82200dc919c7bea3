using System.Text.Json;
using CloudMail.ContractTests;
using CloudMail.Core.Queue;
using CloudMail.Storage.Embedded.Queue;

namespace CloudMail.Storage.Embedded.Tests;

public sealed class MailJobJsonTests
{
    [Fact]
    public void Stored_payload_round_trips_records_and_omits_computed_recipients()
    {
        MailJob job = TestData.Job(recipients: ["b@contract.test"]) with
        {
            Envelope = TestData.Envelope("a@contract.test") with { AuthenticatedUser = "a@contract.test", MailFrom = "" },
        };

        string json = MailJobJson.Serialize(job);
        MailJob back = MailJobJson.Deserialize(json);

        using JsonDocument document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.TryGetProperty("effectiveRecipients", out _));
        Assert.Equal(job.Blob, back.Blob);
        Assert.Equal(job.Envelope with { Recipients = back.Envelope.Recipients }, back.Envelope);
        Assert.Equal(job.Envelope.Recipients, back.Envelope.Recipients);
        Assert.Equal(job.Recipients, back.Recipients);
        Assert.Equal(job with { Envelope = back.Envelope, Recipients = back.Recipients }, back);
    }

    [Fact]
    public void Job_without_recipient_subset_keeps_null()
    {
        MailJob back = MailJobJson.Deserialize(MailJobJson.Serialize(TestData.Job()));

        Assert.Null(back.Recipients);
        Assert.Equal(back.Envelope.Recipients, back.EffectiveRecipients);
    }
}
