namespace Headroom.Runners.Local;

/// <summary>Polls a readiness URL until it answers 2xx, the process exits, or the time is up.</summary>
public static class ReadinessProbe
{
    public enum Result { Ready, Exited, Aborted, TimedOut }

    public static async Task<Result> WaitAsync(
        HttpClient http, Uri? url, Task exited, Func<bool> abort, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (exited.IsCompleted)
            {
                return Result.Exited;
            }
            if (abort())
            {
                return Result.Aborted;
            }
            if (url is null)
            {
                return Result.Ready;
            }
            if (DateTime.UtcNow > deadline)
            {
                return Result.TimedOut;
            }
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(1));
                using var response = await http.GetAsync(url, attempt.Token);
                if (response.IsSuccessStatusCode)
                {
                    return Result.Ready;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }
            await Task.WhenAny(exited, Task.Delay(100, cancellationToken));
        }
    }
}
