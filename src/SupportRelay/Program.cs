using SupportRelay;
using SupportRelay.Cli;

if (CommandLineApp.IsCommand(args))
{
    return await CommandLineApp.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args is ["serve", .. var rest] ? rest : args);
builder.AddSupportRelay();

var app = builder.Build();
app.MapSupportRelay();

await app.RunAsync();
return 0;
