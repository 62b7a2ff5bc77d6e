using System.Globalization;
using Headroom.Memory;

namespace Headroom.Runners;

/// <summary>
/// When a run counts as thrashing. Measured here: near the edge, major faults rise from tens to thousands a trial
/// while throughput falls to 1–5 % of normal; failcnt is not reliable on this kernel, so it is not used.
/// </summary>
public sealed record ThrashingSettings
{
    /// <summary>How long the signs must be seen together before the trial is ended.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Major page faults within one window that count as thrashing.</summary>
    public long MajorFaults { get; init; } = 1000;

    /// <summary>Completed requests in the window at or below this fraction of the best window seen count as stalled.</summary>
    public double StallFraction { get; init; } = 0.05;

    /// <summary>Charged memory (anon + file) at or above this fraction of the limit counts as "at the limit".</summary>
    public double NearLimit { get; init; } = 0.9;
}

/// <summary>
/// Watches the samples for the common way to fail near the limit: the kernel keeps reclaiming the target's code and
/// runtime files, major faults climb by thousands while completed requests stall. Before there is load, faults must
/// climb twice as fast for a whole window while at the limit (a cold start faults its files in once).
/// </summary>
public sealed class ThrashingDetector(long? limitBytes, ThrashingSettings settings)
{
    private readonly Queue<MemorySample> _window = new();
    private readonly Lock _lock = new();
    private long _bestCompletedPerWindow;
    private DateTime? _since;
    private MemorySample? _first;
    private MemorySample? _latest;

    /// <summary>The evidence once thrashing has been seen for a whole window; null until then.</summary>
    public string? Evidence { get; private set; }

    /// <summary>The outcome a watcher decided the run with (<see cref="Declare"/>); thrashing when null.</summary>
    public Trials.TrialOutcome? DecidedAs { get; private set; }

    public event Action<string>? Detected;

    public void Observe(MemorySample sample)
    {
        string? evidence = null;
        lock (_lock)
        {
            if (Evidence is not null || limitBytes is not { } limit)
            {
                return;
            }
            _first ??= sample;
            _latest = sample;
            _window.Enqueue(sample);
            while (_window.Count > 1 && sample.ElapsedMilliseconds - _window.Peek().ElapsedMilliseconds > settings.Window.TotalMilliseconds)
            {
                _window.Dequeue();
            }
            var first = _window.Peek();
            var span = sample.ElapsedMilliseconds - first.ElapsedMilliseconds;
            if (span < settings.Window.TotalMilliseconds * 0.9)
            {
                return;
            }
            var faults = (sample.MajorFaults ?? 0) - (first.MajorFaults ?? 0);
            var charged = (sample.AnonBytes ?? 0) + (sample.FileBytes ?? 0);
            var atLimit = charged >= settings.NearLimit * limit || (sample.UsageBytes ?? 0) >= settings.NearLimit * limit;
            var loadRunning = sample.CompletedRequests is not null && first.CompletedRequests is not null;
            var completed = loadRunning ? sample.CompletedRequests!.Value - first.CompletedRequests!.Value : 0;
            _bestCompletedPerWindow = Math.Max(_bestCompletedPerWindow, completed);
            var stalled = loadRunning && completed <= settings.StallFraction * _bestCompletedPerWindow;
            var thrashing = atLimit && (loadRunning
                ? faults >= settings.MajorFaults && stalled
                : faults >= 2 * settings.MajorFaults);
            if (!thrashing)
            {
                _since = null;
                return;
            }
            _since ??= DateTime.UtcNow;
            if (DateTime.UtcNow - _since < settings.Window)
            {
                return;
            }
            var seconds = (span / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
            Evidence = loadRunning
                ? string.Create(CultureInfo.InvariantCulture,
                    $"pgmajfault +{faults:N0} in {seconds} s at the limit while {completed:N0} requests completed (best {seconds} s: {_bestCompletedPerWindow:N0})")
                : string.Create(CultureInfo.InvariantCulture,
                    $"pgmajfault +{faults:N0} in {seconds} s at the limit before any load ({charged / 1048576.0:0.0} MiB charged)");
            evidence = Evidence;
        }
        Detected?.Invoke(evidence);
    }

    /// <summary>Forgets everything seen, for the next run of a restarted target.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _window.Clear();
            _bestCompletedPerWindow = 0;
            _since = null;
            _first = null;
            _latest = null;
            Evidence = null;
            DecidedAs = null;
        }
    }

    /// <summary>
    /// Decides the run with a watcher's evidence and outcome (see <c>ITrialWatcher</c>); false when it was decided
    /// already.
    /// </summary>
    public bool Declare(string evidence, Trials.TrialOutcome outcome = Trials.TrialOutcome.Thrashing)
    {
        lock (_lock)
        {
            if (Evidence is not null)
            {
                return false;
            }
            Evidence = evidence;
            DecidedAs = outcome;
        }
        Detected?.Invoke(evidence);
        return true;
    }

    /// <summary>
    /// The load got no answer from a target that is still alive (its set-up timed out, or it outlived the load
    /// timeout). At the limit, or with no memory figures to tell, that is thrashing even when the faults climb too
    /// slowly for a window to show it: measured with two test suites side by side on 2 cores, the Go sample at 10Mi
    /// faulted ~200 times a second and answered nothing in 30 s. Returns false when the target is clearly below its
    /// limit (or has none): then the load, not the memory, is what is wrong.
    /// </summary>
    public bool DeclareUnanswered(string what)
    {
        string evidence;
        lock (_lock)
        {
            if (Evidence is not null)
            {
                return true;
            }
            if (limitBytes is not { } limit)
            {
                return false;
            }
            var charged = _latest is null ? null : Math.Max((_latest.AnonBytes ?? 0) + (_latest.FileBytes ?? 0), _latest.UsageBytes ?? 0) as long?;
            if (charged > 0 && charged < settings.NearLimit * limit)
            {
                return false;
            }
            var faults = (_latest?.MajorFaults ?? 0) - (_first?.MajorFaults ?? 0);
            Evidence = charged > 0
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{what} while at the limit ({charged / 1048576.0:0.0} MiB charged, pgmajfault +{faults:N0} in {(_latest!.ElapsedMilliseconds - _first!.ElapsedMilliseconds) / 1000.0:0.0} s)")
                : $"{what} (no memory figures to tell whether it was at the limit)";
            evidence = Evidence;
        }
        Detected?.Invoke(evidence);
        return true;
    }
}
