namespace CloudMail.Storage.Embedded.Files;

/// <summary>
/// The data folder, or a folder above it, lets other local users change what is in it (see
/// <see cref="DataFolder.Prepare"/>). The message says which folder, why, and how to fix it; hosts print it and exit
/// non-zero instead of starting.
/// </summary>
public sealed class UnsafeDataFolderException(string message) : Exception(message);
