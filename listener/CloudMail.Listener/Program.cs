using CloudMail.Listener.Admin;

return await CloudMailCommandLine.RunAsync(args);
