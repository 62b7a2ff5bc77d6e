using SalesApi.Data;

namespace SalesApi.Api;

/// <summary><c>/v1/readiness</c> (the database answers) and <c>/v1/liveness</c> (the process answers).</summary>
public static class HealthEndpoints
{
    public static async Task<IResult> ReadinessAsync(UserStore users, ILoggerFactory logs, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await users.PingAsync(timeout.Token);
            return new JsonBody<StatusBody>(new StatusBody("ok"), ApiJson.Default.StatusBody);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logs.CreateLogger("readiness").LogWarning("database not ready: {Message}", e.Message);
            return ApiErrors.Status(StatusCodes.Status500InternalServerError, "database not ready");
        }
    }

    public static IResult Liveness() =>
        new JsonBody<LivenessBody>(new LivenessBody("up", Environment.MachineName, Environment.ProcessId), ApiJson.Default.LivenessBody);
}
