namespace CloudMail.Protocols.Imap.Commands;

/// <summary>A parsed IMAP command. <see cref="Name"/> is the upper-case command name, e.g. "UID FETCH".</summary>
public abstract record ImapCommand(string Tag)
{
    public abstract string Name { get; }
}

/// <summary>Commands that take no arguments: CAPABILITY, NOOP, LOGOUT, STARTTLS, NAMESPACE, CHECK, CLOSE, UNSELECT, EXPUNGE, IDLE.</summary>
public sealed record SimpleCommand(string Tag, string CommandName) : ImapCommand(Tag)
{
    public override string Name => CommandName;
}
