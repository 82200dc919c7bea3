using System.Reflection;
using CloudMail.Core.Failures;
using CloudMail.Core.Mailboxes;
using CloudMail.Listener.Tests.Infrastructure;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>
/// What an IMAP client is told when the storage fails a command, by what it can do about it (RFC 5530 §3): a transient
/// failure (a busy database, Azure Storage throttling) is <c>NO [UNAVAILABLE]</c>, to try again later; a bug is
/// <c>NO [SERVERBUG]</c>; the session goes on either way. Faults are injected in front of the server's real mailbox index.
/// </summary>
public sealed class ImapStorageFailureTests
{
    private const string User = "faults@example.test";
    private const string Password = "storage-faults-password-1";

    [Fact]
    public async Task A_transient_storage_failure_is_UNAVAILABLE_and_a_bug_SERVERBUG_and_the_session_goes_on()
    {
        await using var server = await TestServer.StartAsync(services: s => ServiceDecoration.Replace<IMailboxIndex>(s, FailingCreates.Around));
        await server.AddUserAsync(User, Password);
        await using var client = await RawImapClient.LoginAsync(server, User, Password);

        var busy = await client.CommandAsync("a CREATE Busy", "a");
        var broken = await client.CommandAsync("b CREATE Broken", "b");
        var fine = await client.CommandAsync("c CREATE Fine", "c");

        Assert.StartsWith("a NO [UNAVAILABLE] ", busy[^1]);
        Assert.StartsWith("b NO [SERVERBUG] ", broken[^1]);
        Assert.StartsWith("c OK ", fine[^1]);
    }

    /// <summary>The real index, but CREATE of "Busy" fails as a busy database does and CREATE of "Broken" as a bug does.</summary>
    public class FailingCreates : DispatchProxy
    {
        private IMailboxIndex _inner = null!;

        public static IMailboxIndex Around(IMailboxIndex inner)
        {
            var proxy = Create<IMailboxIndex, FailingCreates>();
            ((FailingCreates)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IMailboxIndex.CreateMailboxAsync) && args![1] is "Busy")
                return Task.FromException<MailboxInfo>(new TransientStorageException(new IOException("database is locked")));
            if (targetMethod.Name == nameof(IMailboxIndex.CreateMailboxAsync) && args![1] is "Broken")
                return Task.FromException<MailboxInfo>(new InvalidOperationException("injected bug"));
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
