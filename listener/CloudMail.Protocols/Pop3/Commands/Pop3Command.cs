namespace CloudMail.Protocols.Pop3.Commands;

/// <summary>A parsed POP3 command. Each subtype parses its own arguments in its file.</summary>
public abstract record Pop3Command(Pop3CommandKind Kind);
