using CloudMail.Listener.Hosting;

return await CloudMailCommandLine.RunAsync(args);
