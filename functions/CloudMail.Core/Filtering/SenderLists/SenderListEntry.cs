namespace CloudMail.Core.Filtering.SenderLists;

/// <summary>
/// One allow or block entry. <paramref name="Scope"/>: whose list it is, in <see cref="SenderListScope"/> form: empty
/// for the whole server, a local domain, or a user's address. <paramref name="Pattern"/>: canonical
/// <see cref="SenderPattern.Text"/>.
/// </summary>
public sealed record SenderListEntry(string Scope, SenderListKind Kind, string Pattern, DateTimeOffset AddedAt);
