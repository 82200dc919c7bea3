namespace CloudMail.EndToEnd.Tests.DebianClients;

/// <summary>Reads a Maildir tree that a synchronizer (mbsync, offlineimap) wrote: message files, their flags, their subjects.</summary>
public static class MaildirFiles
{
    /// <summary>Message files of one folder (its cur and new), path -> maildir flags (the letters after ":2,", "" when none).</summary>
    public static Dictionary<string, string> Files(string maildir, string folder)
    {
        string dir = Path.Combine(maildir, folder);
        return new[] { "cur", "new" }
            .SelectMany(sub => Directory.Exists(Path.Combine(dir, sub)) ? Directory.GetFiles(Path.Combine(dir, sub)) : [])
            .ToDictionary(f => f, f => f.Contains(":2,", StringComparison.Ordinal) ? f[(f.LastIndexOf(":2,", StringComparison.Ordinal) + 3)..] : "");
    }

    /// <summary>The Subject header of a message file.</summary>
    public static string SubjectOf(string file) =>
        File.ReadLines(file).First(l => l.StartsWith("Subject: ", StringComparison.Ordinal))["Subject: ".Length..];

    /// <summary>The one message file of <paramref name="folder"/> with <paramref name="subject"/>, and its flags.</summary>
    public static (string File, string Flags) Find(string maildir, string folder, string subject) =>
        Files(maildir, folder).Select(f => (f.Key, f.Value)).Single(f => SubjectOf(f.Key) == subject);
}
