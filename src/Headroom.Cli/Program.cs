using Headroom.Cli;

// Run socket continuations on the socket engine's own threads instead of hopping to the thread pool: it raises
// `headroom load` throughput by about a third and cuts its CPU per request (bench/load-vs-peers). Must be set before
// the first socket is created; a value the user set wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

return await HeadroomApp.RunAsync(args);
