using System.Threading.RateLimiting;

namespace SalesApi.Api;

/// <summary>
/// Slows password guessing on the token endpoint: a token bucket per client address, a burst of 20 then 5 a second,
/// and 429 with Retry-After beyond it. Each check costs ~35 ms of PBKDF2, so without it one client guesses ~30
/// passwords a second; the article's load asks for one token per run, far below the limit.
/// </summary>
public static class TokenRateLimit
{
    public const int Burst = 20;
    public const int PerSecond = 5;

    public static void Add(IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = (context, _) =>
        {
            // A token comes back within 1 / PerSecond s.
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return ValueTask.CompletedTask;
        };
        limiter.AddPolicy(TokenEndpoint.RateLimitPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Burst,
                TokensPerPeriod = PerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    });
}
