namespace CloudMail.Storage.Embedded.Blobs;

/// <summary>
/// Which of the two blob tables (<see cref="TieredMessageBlobStore"/>) a read asks first: the one where the last reads
/// found their rows. Received mail is a row of the queue database's table, mail appended over IMAP or imported one of the
/// mail database's; a client reading through mail of one kind (a mailbox filled by a migration, a year of received mail)
/// then finds each row with one query instead of a miss in the other database and a second query. Only an order: a read
/// still asks the other table when the first has no row. Thread-safe; a lost update between racing readers only delays
/// a change of order by one read.
/// </summary>
internal sealed class BlobTableOrder
{
    /// <summary>How many reads found in one table in a row it takes to undo as many found in the other.</summary>
    public const int Memory = 8;

    private int _score; // > 0: recent rows were in the mail database's table

    /// <summary>True when a read should ask the mail database's table (IMAP appends) before the queue database's.</summary>
    public bool IndexTableFirst => Volatile.Read(ref _score) > 0;

    /// <summary>Records where a read found its row: the mail database's table (<paramref name="inIndexTable"/>) or the queue database's.</summary>
    public void Found(bool inIndexTable)
    {
        int score = Volatile.Read(ref _score);
        Volatile.Write(ref _score, Math.Clamp(score + (inIndexTable ? 1 : -1), -Memory, Memory));
    }
}
