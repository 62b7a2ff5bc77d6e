using Headroom.Cgroups;
using Headroom.Processes;

namespace Headroom.Runners.Local;

/// <summary>
/// The target's process, started inside the trial's cgroup (and its cpu cgroup, with a CPU limit on cgroup v1) before
/// its first instruction: a shell writes its own pid to each <c>cgroup.procs</c> and then execs the target, so the target's pid, every page it touches and every child it
/// makes are charged to the cgroup from the start. Started and stopped by the shared <see cref="ProcessRunner"/>.
/// </summary>
public sealed class TargetProcess : IAsyncDisposable
{
    private readonly RunningProcess _process;
    private readonly string? _temp;
    private int _disposed;

    private TargetProcess(RunningProcess process, string? temp)
    {
        _process = process;
        _temp = temp;
        Exited = Task.Run(async () =>
        {
            var result = await process.WaitForExitAsync(CancellationToken.None);
            return new ExitStatus(result.ExitCode, DateTimeOffset.UtcNow);
        });
    }

    public int Pid => _process.Id;
    public Task<ExitStatus> Exited { get; }
    public bool HasExited => Exited.IsCompleted;

    /// <summary>The last lines of stderr, where runtimes print why they gave up.</summary>
    public IReadOnlyList<string> StderrLines(int count) => Tail(_process.StandardError, count);

    public IReadOnlyList<string> StdoutLines(int count) => Tail(_process.StandardOutput, count);

    private static string[] Tail(string text, int count) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).TakeLast(count)];

    /// <param name="launch">The command, its environment and folder.</param>
    /// <param name="cgroup">The trial's memory cgroup; null when a systemd scope wraps the command instead.</param>
    /// <param name="knobs">The knob set's variables, which win over the launch's.</param>
    /// <param name="grace">Between SIGTERM and SIGKILL when stopped.</param>
    /// <param name="cpuCgroup">A cgroup v1 cpu cgroup to join as well (a CPU limit), or null.</param>
    public static TargetProcess Start(TargetLaunch launch, MemoryCgroup? cgroup, IReadOnlyDictionary<string, string> knobs, TimeSpan grace, CgroupDirectory? cpuCgroup = null)
    {
        var arguments = new List<string>();
        string fileName;
        if (cgroup is not null && cpuCgroup is not null && cpuCgroup.Directory != cgroup.Directory)
        {
            fileName = "/bin/sh";
            arguments.AddRange(["-c", "echo $$ > \"$0\" && echo $$ > \"$1\" && shift && exec \"$@\"", cgroup.ProcsFile, cpuCgroup.ProcsFile]);
            arguments.AddRange(launch.Command);
        }
        else if (cgroup is not null)
        {
            fileName = "/bin/sh";
            arguments.AddRange(["-c", "echo $$ > \"$0\" && exec \"$@\"", cgroup.ProcsFile]);
            arguments.AddRange(launch.Command);
        }
        else
        {
            fileName = launch.Command[0];
            arguments.AddRange(launch.Command.Skip(1));
        }
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in launch.Environment.Concat(knobs))
        {
            environment[key] = value;
        }
        var spec = new ProcessSpec(fileName, arguments)
        {
            WorkingDirectory = launch.WorkingDirectory,
            Environment = environment,
            GracePeriod = grace,
            StopSignal = StopSignal.Terminate,
            MaxCapturedChars = 64_000,
        };
        return new TargetProcess(ProcessRunner.Start(spec), environment.GetValueOrDefault("TMPDIR"));
    }

    /// <summary>SIGTERM, the grace period, then SIGKILL of the tree, as a kubelet stops a container.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!HasExited)
        {
            await _process.StopAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Ends the process tree at once, without the grace period: for a target whose trial is already decided
    /// (thrashing), where a graceful stop only waits the grace out (it answers nothing, SIGTERM included).
    /// </summary>
    public async Task KillAsync()
    {
        if (!HasExited)
        {
            // A cancelled token makes the runner skip the grace period and kill the tree.
            await _process.StopAsync(new CancellationToken(canceled: true));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        try
        {
            await StopAsync(CancellationToken.None);
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The cgroup's kill-all that follows ends whatever is left.
        }
        finally
        {
            await _process.DisposeAsync();
            if (HasExited)
            {
                RuntimeLeftovers.RemoveFor(Pid, _temp);
            }
        }
    }
}
