using CloudMail.Listener.Imap.Mailboxes;

namespace CloudMail.Listener.Tests.Imap;

/// <summary>\Recent claims (RFC 3501 §2.3.2): one session per message, and a bounded memory of mailboxes.</summary>
public sealed class RecentClaimsTests
{
    [Fact]
    public void Of_two_sessions_only_the_first_claims_a_message()
    {
        var claims = new RecentClaims();

        Assert.Equal(1u, claims.Claim("Bob@example.test", "INBOX", 7, uidNext: 4));
        Assert.Equal(4u, claims.Claim("bob@example.test", "INBOX", 7, uidNext: 4));
        Assert.Equal(4u, claims.Claim("bob@example.test", "INBOX", 7, uidNext: 6));
        Assert.Equal(1u, claims.Claim("bob@example.test", "INBOX", 8, uidNext: 6)); // another UIDVALIDITY: another mailbox
    }

    [Fact]
    public void Past_its_bound_every_claim_is_forgotten_as_at_a_restart()
    {
        var claims = new RecentClaims(maxTracked: 100);
        for (uint v = 1; v <= 1000; v++) claims.Claim("bob@example.test", "Folder", v, uidNext: 2);

        Assert.True(claims.Count <= 100, $"{claims.Count} mailboxes tracked");
        Assert.Equal(1u, claims.FirstUnclaimed("bob@example.test", "Folder", 1));
    }
}
