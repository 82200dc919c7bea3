using CloudMail.Core.Blobs;
using CloudMail.Core.Intake;
using CloudMail.Core.Queue;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Pipeline;

/// <summary>
/// The queue `serve` hands the accept path, through every decorator the host puts on it (the stage workers' wake-ups, the
/// outbound ledger), still commits a small message's blob and its job in one commit (<see cref="IJointBlobQueue"/>): a
/// decorator that hid it would silently cost every message a second fsync before its 250.
/// </summary>
public sealed class JointAcceptWiringTests
{
    [Fact]
    public async Task The_serve_hosts_queue_commits_a_small_message_blob_together_with_its_job()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CloudMail:ListenAddress"] = "127.0.15.1" });
        var joint = Assert.IsAssignableFrom<IJointBlobQueue>(server.Get<IMailQueue>());
        var (id, writer) = server.Get<MessageIntake>().Begin();
        await using (writer)
        {
            await writer.WriteAsync("Subject: joint\r\n\r\nbody\r\n"u8.ToArray(), CancellationToken.None);
            BlobRef? prepared = joint.TryPrepare(writer);
            Assert.Equal(id, prepared?.Id);
        }
    }
}
