using CloudMail.Fuzz;
using SharpFuzz;

// cloudmail-fuzz TARGET          under afl-fuzz: one target, inputs from AFL's fork server
// cloudmail-fuzz TARGET FILE...  replays inputs (crash reproduction, corpus check), no AFL needed
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine("usage: CloudMail.Fuzz TARGET [FILE...]; targets: " + string.Join(", ", FuzzTargets.All.Keys));
    return 2;
}
if (args.Length > 1)
{
    foreach (string file in args[1..]) target(File.ReadAllBytes(file));
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
