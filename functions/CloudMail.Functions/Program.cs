using CloudMail.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddCloudMailFunctions(builder.Configuration);
await builder.Build().RunAsync();
