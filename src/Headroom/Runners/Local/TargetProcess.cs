using System.Diagnostics;
using Headroom.Cgroups;
using Headroom.Native;

namespace Headroom.Runners.Local;

/// <summary>
/// The target's process, started inside the trial's cgroup before its first instruction: a shell writes its own pid
/// to <c>cgroup.procs</c> and then execs the target, so the target's pid, every page it touches and every child it
/// makes are charged to the cgroup from the start.
/// </summary>
public sealed class TargetProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<ExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TargetProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;
    public OutputTail Stdout { get; } = new();
    public OutputTail Stderr { get; } = new();
    public Task<ExitStatus> Exited => _exited.Task;
    public bool HasExited => _exited.Task.IsCompleted;

    public static TargetProcess Start(TargetLaunch launch, MemoryCgroup? cgroup, IReadOnlyDictionary<string, string> knobs)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (cgroup is not null)
        {
            info.FileName = "/bin/sh";
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("echo $$ > \"$0\" && exec \"$@\"");
            info.ArgumentList.Add(cgroup.ProcsFile);
        }
        else
        {
            info.FileName = launch.Command[0];
        }
        foreach (var argument in cgroup is null ? launch.Command.Skip(1) : launch.Command)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in launch.Environment.Concat(knobs))
        {
            info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var target = new TargetProcess(process);
        process.OutputDataReceived += (_, e) => target.Stdout.Add(e.Data);
        process.ErrorDataReceived += (_, e) => target.Stderr.Add(e.Data);
        process.Exited += (_, _) => target.OnExited();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return target;
    }

    private void OnExited()
    {
        // The output readers may still hold the last lines (the OOM message); give them a moment.
        _process.WaitForExit(TimeSpan.FromSeconds(2));
        _exited.TrySetResult(new ExitStatus(_process.ExitCode, DateTimeOffset.UtcNow));
    }

    /// <summary>SIGTERM, a grace period, then SIGKILL, as a kubelet stops a container.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        if (HasExited)
        {
            return;
        }
        _ = LibC.Kill(Pid, LibC.SigTerm);
        if (await Task.WhenAny(Exited, Task.Delay(grace, cancellationToken)) != Exited)
        {
            _ = LibC.Kill(Pid, LibC.SigKill);
            await Exited.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await Exited.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone, or the cgroup's kill-all that follows will end it.
            }
        }
        _process.Dispose();
    }
}
