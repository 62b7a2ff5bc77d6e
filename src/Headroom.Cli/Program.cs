using Headroom.Cli;

return await HeadroomApp.RunAsync(args);
