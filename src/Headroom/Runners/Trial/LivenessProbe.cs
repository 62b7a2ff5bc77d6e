using System.Globalization;
using Headroom.Trials;

namespace Headroom.Runners.Trial;

/// <summary>
/// How every run's liveness is probed, as a kubelet's <c>livenessProbe</c> does: a GET every <see cref="Period"/>,
/// failed when it is not answered 2xx/3xx within <see cref="Timeout"/>, and <see cref="Failures"/> failures in a row
/// end the run. The defaults are at a trial's time scale; <see cref="Kubernetes"/> is a kubelet's own.
/// </summary>
public sealed record LivenessSettings
{
    /// <summary>The URL probed; null is the readiness URL.</summary>
    public Uri? Url { get; init; }

    /// <summary>No probe at all (<c>--liveness none</c>).</summary>
    public bool Off { get; init; }

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    public int Failures { get; init; } = 3;

    /// <summary>A kubelet's defaults: periodSeconds 10, timeoutSeconds 1, failureThreshold 3.</summary>
    public static LivenessSettings Kubernetes { get; } = new() { Period = TimeSpan.FromSeconds(10) };

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"every {Period.TotalSeconds:0.#} s, timeout {Timeout.TotalSeconds:0.#} s, {Failures} failures");

    /// <summary>
    /// <c>--liveness</c> (a URL, or <c>none</c>; null: the readiness URL) and <c>--liveness-timing</c>
    /// (<c>PERIOD/TIMEOUT/FAILURES</c> in seconds, e.g. <c>1/1/3</c>, or <c>kubernetes</c> for 10/1/3; null: 1/1/3).
    /// </summary>
    public static LivenessSettings Parse(string? url, string? timing, string what = "--liveness")
    {
        var settings = timing?.Trim() is "kubernetes" ? Kubernetes : new LivenessSettings();
        if (timing is not null && timing.Trim() != "kubernetes")
        {
            var parts = timing.Split('/');
            if (parts.Length != 3
                || !double.TryParse(parts[0].TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var period) || period is <= 0 or > 3600
                || !double.TryParse(parts[1].TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var timeout) || timeout is <= 0 or > 3600
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var failures) || failures < 1)
            {
                throw new UserInputException($"{what}-timing '{timing}' is not PERIOD/TIMEOUT/FAILURES (seconds, seconds, a count: 1/1/3) or 'kubernetes' (10/1/3)");
            }
            settings = new LivenessSettings { Period = TimeSpan.FromSeconds(period), Timeout = TimeSpan.FromSeconds(timeout), Failures = failures };
        }
        return url?.Trim() switch
        {
            null => settings,
            "none" => settings with { Off = true },
            var text when Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" => settings with { Url = uri },
            var text => throw new UserInputException($"{what} '{text}' is not an http:// URL or 'none'"),
        };
    }
}

/// <summary>
/// The liveness rule of every run, from ready to stop: <see cref="LivenessSettings.Failures"/> probes in a row
/// unanswered make the run <see cref="TrialOutcome.Unresponsive"/>, or, when the trial allows a restart, kill it as a
/// kubelet does so that it is started again.
/// </summary>
public sealed class LivenessProbe(LivenessSettings settings) : ITrialWatcher
{
    public async Task WatchAsync(TrialRun run, CancellationToken cancellationToken)
    {
        if (settings.Off || (settings.Url ?? run.Launch.ReadyUrl) is not { } url)
        {
            return;
        }
        await run.Ready.WaitAsync(cancellationToken);
        using var timer = new PeriodicTimer(settings.Period);
        var failures = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (run.Exited.IsCompleted || run.Decided is not null)
            {
                return;
            }
            var failure = await ProbeAsync(run.Http, url, cancellationToken);
            failures = failure is null ? 0 : failures + 1;
            if (failures < settings.Failures)
            {
                continue;
            }
            var evidence = $"liveness probe {url} failed {failures} times in a row ({settings.Describe()}; last: {failure})";
            if (run.CanRestart)
            {
                run.Progress?.Report($"unresponsive: {evidence}; killing it to start it again, as a kubelet does");
                await run.KillAsync();
            }
            else
            {
                run.Decide(evidence, TrialOutcome.Unresponsive);
            }
            return;
        }
    }

    /// <summary>Null when the probe was answered 2xx or 3xx in time, else what went wrong.</summary>
    private async Task<string?> ProbeAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 400 ? null : $"status {status}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError == HttpRequestError.ConnectionError ? "refused" : e.Message;
        }
    }
}
