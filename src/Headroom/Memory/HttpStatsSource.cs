namespace Headroom.Memory;

/// <summary>
/// Polls the target's stats endpoint (expvar JSON or Prometheus text) at the sampling interval; a poll still in
/// flight is not doubled, so a slow endpoint costs the target at most one request at a time.
/// </summary>
public sealed class HttpStatsSource(HttpClient http, Uri url, TimeSpan interval) : IRuntimeFiguresSource
{
    private readonly BackgroundLoop _loop = new();

    public RuntimeFigures? Latest { get; private set; }

    /// <summary>The last error reading the endpoint (null after a good read).</summary>
    public string? LastError { get; private set; }

    public async Task<RuntimeFigures?> ReadNowAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            using var response = await http.GetAsync(url, attempt.Token);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStringAsync(attempt.Token);
            var figures = RuntimeStatsParsing.Parse(body, response.Content.Headers.ContentType?.MediaType);
            Latest = figures;
            LastError = null;
            return figures;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UserInputException && !cancellationToken.IsCancellationRequested)
        {
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
