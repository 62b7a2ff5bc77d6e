using Headroom.Memory.Runtime;

namespace Headroom.Memory;

/// <summary>
/// Polls the target's stats endpoint (expvar JSON or Prometheus text) at the sampling interval; a poll still in
/// flight is not doubled, so a slow endpoint costs the target at most one request at a time.
/// </summary>
public sealed class HttpStatsSource(HttpClient http, Uri url, TimeSpan interval) : IRuntimeFiguresSource
{
    /// <summary>One poll, headers and body: a sampler's read is a few milliseconds on a healthy target.</summary>
    public static readonly TimeSpan AttemptTime = TimeSpan.FromSeconds(2);

    private readonly BackgroundLoop _loop = new();

    public RuntimeFigures? Latest { get; private set; }

    /// <summary>The last error reading the endpoint (null after a good read).</summary>
    public string? LastError { get; private set; }

    public async Task<RuntimeFigures?> ReadNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (body, contentType) = await StatsEndpointBody.ReadAsync(http, url, AttemptTime, cancellationToken);
            var figures = RuntimeStatsParsing.Parse(body, contentType);
            Latest = figures;
            LastError = null;
            return figures;
        }
        catch (UserInputException e)
        {
            // A read that failed while its trial was being cancelled (the target killed, the window ended) is the
            // cancellation, not a wrong URL: it must not end the study as bad input.
            cancellationToken.ThrowIfCancellationRequested();
            LastError = e.Message;
            return null;
        }
    }

    public void Start(CancellationToken cancellationToken) => _loop.Start(async token =>
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                await ReadNowAsync(token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }, cancellationToken);

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}
