using System.ComponentModel;
using System.Diagnostics;

namespace Headroom.Processes;

/// <summary>
/// The one way Headroom starts child processes (the target, go build, hey, wrk): an argument list, captured
/// output, a timeout, and cancellation that asks the process to stop (SIGTERM or SIGINT), waits a grace period,
/// then kills its whole tree.
/// </summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs the process to its end. Past <see cref="ProcessSpec.Timeout"/> it is stopped and the result says
    /// <see cref="ProcessResult.TimedOut"/>; when <paramref name="cancellationToken"/> fires it is stopped the same
    /// way and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    /// <exception cref="ProcessStartException">The executable could not be started.</exception>
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var running = Start(spec);
        using var timeout = new CancellationTokenSource(spec.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await running.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            running.MarkTimedOut();
            return await running.StopAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await running.StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Starts a long-running process (a service); the caller stops it with <see cref="RunningProcess.StopAsync"/> or by disposing it.</summary>
    /// <exception cref="ProcessStartException">The executable could not be started.</exception>
    public static RunningProcess Start(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var info = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory ?? "",
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var stdout = new OutputCapture(spec.MaxCapturedChars);
        var stderr = new OutputCapture(spec.MaxCapturedChars);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Receive(e.Data, stdout, spec.OnOutputLine);
        process.ErrorDataReceived += (_, e) => Receive(e.Data, stderr, spec.OnOutputLine);
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new ProcessStartException(spec.FileName, e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Nothing is ever typed into a child; closing stdin stops one that waits for input from waiting forever.
        process.StandardInput.Close();
        return new RunningProcess(process, spec, stdout, stderr, clock);
    }

    private static void Receive(string? line, OutputCapture capture, Action<string>? onLine)
    {
        if (line is null)
        {
            return;
        }
        capture.Add(line);
        onLine?.Invoke(line);
    }
}
