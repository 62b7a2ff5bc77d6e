using System.Net;
using Prometheus;
using SalesApi.Api;
using SalesApi.Auth;
using SalesApi.Data;
using SalesApi.Debug;

namespace SalesApi;

/// <summary>
/// Wires the service: one Kestrel host listening twice (API and debug address), one middleware that keeps each
/// address to its own paths and counts API requests, and nothing running in the background beyond what ASP.NET
/// Core itself needs — this process is the thing Headroom measures.
/// </summary>
public static class SalesService
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(SalesOptions.Usage);
            return 0;
        }
        SalesOptions options;
        SigningKey key;
        try
        {
            options = SalesOptions.From(args, Environment.GetEnvironmentVariable);
            key = SigningKey.LoadOrCreate(options.KeyFile, options.KeyFileIsGiven, options.ActiveKid);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"sales-api: {e.Message}");
            return 2;
        }

        // The event-counter adapter polls runtime counters every second on its own thread; the runtime's meters
        // (System.Runtime, Kestrel) and prometheus-net's dotnet_*/process_* collectors cover the same ground.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true, SuppressDebugMetrics = true });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            Listen(kestrel, options.ApiHost, options.ApiPort);
            Listen(kestrel, options.DebugHost, options.DebugPort);
        });
        var database = SalesDatabase.Open(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(key);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<ServiceCounters>();
        TokenRateLimit.Add(builder.Services);

        await using var app = builder.Build();
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await SchemaMigrator.MigrateAndSeedAsync(database, startup.Token);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or OperationCanceledException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"sales-api: cannot prepare the database ({database.Description}): {e.Message.Split('\n')[0]}");
            return 1;
        }

        app.Use(SplitByPortAndCount(options, app.Services.GetRequiredService<ServiceCounters>(), app.Logger));
        app.UseRateLimiter();
        MapApi(app);
        app.MapGet("/debug/vars", DebugEndpoints.VarsAsync);
        app.MapGet("/metrics", DebugEndpoints.MetricsAsync);
        app.MapFallback(() => ApiErrors.NotFound("no such endpoint"));

        try
        {
            await app.StartAsync(startup.Token);
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"sales-api: cannot listen: {e.Message}");
            return 1;
        }
        Console.WriteLine(
            $"sales-api: ready: api http://{options.ApiHost}:{options.ApiPort}, debug http://{options.DebugHost}:{options.DebugPort}/debug/vars, " +
            $"{database.Description}, key id {key.Kid}, pid {Environment.ProcessId}");
        await app.WaitForShutdownAsync();
        Console.WriteLine("sales-api: stopped");
        key.Dispose();
        return 0;
    }

    private static void MapApi(WebApplication app)
    {
        app.MapGet("/v1/users/token/{kid}", TokenEndpoint.HandleAsync).RequireRateLimiting(TokenEndpoint.RateLimitPolicy);
        app.MapGet("/v1/users", UsersEndpoint.HandleAsync);
        app.MapGet("/v1/readiness", HealthEndpoints.ReadinessAsync);
        app.MapGet("/v1/liveness", HealthEndpoints.Liveness);
    }

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string host, int port)
    {
        if (host == "localhost")
        {
            kestrel.ListenLocalhost(port);
        }
        else if (IPAddress.TryParse(host, out var address))
        {
            kestrel.Listen(address, port);
        }
        else
        {
            throw new IOException($"'{host}' is not an IP address or localhost");
        }
    }

    /// <summary>
    /// The debug paths answer only on the debug address and the API only on the API address (so /debug/vars is not
    /// exposed on 0.0.0.0); API answers are counted for expvar, and an unexpected exception becomes a JSON 500.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> SplitByPortAndCount(SalesOptions options, ServiceCounters counters, ILogger logger) =>
        async (context, next) =>
        {
            var onDebugPort = context.Connection.LocalPort == options.DebugPort;
            var debugPath = context.Request.Path.StartsWithSegments("/debug") || context.Request.Path.StartsWithSegments("/metrics");
            if (onDebugPort)
            {
                if (debugPath)
                {
                    await next(context);
                }
                else
                {
                    await ApiErrors.NotFound("no such endpoint on the debug server").ExecuteAsync(context);
                }
                return;
            }
            try
            {
                if (debugPath)
                {
                    await ApiErrors.NotFound($"no such endpoint (debug endpoints are on port {options.DebugPort})").ExecuteAsync(context);
                    return;
                }
                await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                await ApiErrors.Status(StatusCodes.Status500InternalServerError, "internal error").ExecuteAsync(context);
            }
            finally
            {
                counters.Count(context.Response.StatusCode);
            }
        };
}
