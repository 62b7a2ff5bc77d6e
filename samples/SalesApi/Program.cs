using SalesApi;

return await SalesService.RunAsync(args);
