namespace CloudMail.Core.DnsSetup;

/// <summary>The ports clients reach the server on, as DNS SRV records and client autoconfiguration announce them.</summary>
public sealed record MailServicePorts(int Submission = 587, int Submissions = 465, int Imap = 143, int Imaps = 993, int Pop3 = 110, int Pop3s = 995);
