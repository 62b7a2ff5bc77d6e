using System.Diagnostics;

namespace Headroom.Processes;

/// <summary>
/// A started child process. Stopping sends the spec's stop signal, waits the grace period, then kills the whole
/// process tree; disposing stops it if it is still running, so nothing is left behind.
/// </summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessSpec _spec;
    private readonly OutputCapture _stdout;
    private readonly OutputCapture _stderr;
    private readonly Stopwatch _clock;
    private bool _timedOut;
    private bool _killed;

    internal RunningProcess(Process process, ProcessSpec spec, OutputCapture stdout, OutputCapture stderr, Stopwatch clock)
    {
        _process = process;
        _spec = spec;
        _stdout = stdout;
        _stderr = stderr;
        _clock = clock;
        Id = process.Id;
    }

    /// <summary>The process id.</summary>
    public int Id { get; }

    /// <summary>What the spec started.</summary>
    public ProcessSpec Spec => _spec;

    public bool HasExited => _process.HasExited;

    /// <summary>The captured stdout so far.</summary>
    public string StandardOutput => _stdout.Text();

    /// <summary>The captured stderr so far.</summary>
    public string StandardError => _stderr.Text();

    /// <summary>Waits until the process exits and its output is read to the end.</summary>
    public async Task<ProcessResult> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return Result();
    }

    /// <summary>
    /// Asks the process to stop with the stop signal, kills its process tree if it has not exited after the grace
    /// period, and returns how it ended. Cancelling skips the rest of the grace period and kills at once.
    /// </summary>
    public async Task<ProcessResult> StopAsync(CancellationToken cancellationToken)
    {
        if (!_process.HasExited && PosixSignals.Send(Id, _spec.StopSignal))
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            grace.CancelAfter(_spec.GracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                // Past the grace period (or asked to hurry): the kill below ends it.
            }
        }
        KillTree();
        // Killed with SIGKILL, the process and its pipes end promptly; a bound guards against a descendant that
        // escaped the tree and still holds the output pipes.
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // The process itself has exited; only a stray descendant keeps the pipes open. Report what was read.
        }
        return Result();
    }

    internal void MarkTimedOut() => _timedOut = true;

    private void KillTree()
    {
        try
        {
            if (!_process.HasExited)
            {
                _killed = true;
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
    }

    private ProcessResult Result() =>
        new(_process.ExitCode, _stdout.Text(), _stderr.Text(), _clock.Elapsed, _timedOut, _killed);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
