using CloudMail.Protocols.Imap.Sorting;
using static CloudMail.Protocols.Tests.Imap.Sorting.ThreadTestMessages;

namespace CloudMail.Protocols.Tests.Imap.Sorting;

/// <summary>THREAD=ORDEREDSUBJECT (RFC 5256 §3).</summary>
public class OrderedSubjectThreaderTests
{
    [Fact]
    public void Threads_group_by_base_subject_ordered_by_their_first_sent_date_with_later_messages_as_siblings()
    {
        var threads = OrderedSubjectThreader.Thread(
        [
            Msg(1, "Apples", 10),
            Msg(2, "Re: apples", 20),
            Msg(3, "Bananas", 5),
            Msg(4, "Re: [list] APPLES", 15),
            Msg(5, "Re: bananas", 30),
            Msg(6, "Cherries", 1),
        ]);

        // The first message is the top, the second its child, later ones siblings of the second: no grandchildren.
        Assert.Equal("(6)(3 5)(1 (4)(2))", ThreadNode.Format(threads));
    }

    [Fact]
    public void Equal_sent_dates_keep_mailbox_order()
    {
        var threads = OrderedSubjectThreader.Thread([Msg(2, "x", 5), Msg(1, "Re: x", 5), Msg(3, "y", 5)]);

        Assert.Equal("(1 2)(3)", ThreadNode.Format(threads));
    }

    [Fact]
    public void No_messages_give_no_threads() => Assert.Empty(OrderedSubjectThreader.Thread([]));
}
