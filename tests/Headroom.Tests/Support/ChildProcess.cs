using System.Collections.Concurrent;
using System.Diagnostics;

namespace Headroom.Tests.Support;

/// <summary>Runs tools the tests need (initdb, pg_ctl, chown) with argument lists, a timeout and captured output.</summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct)
    {
        using var process = Start(file, args, out var output);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s: {string.Join('\n', output)}");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, string.Join('\n', output));
    }

    /// <summary>Starts a process whose stdout and stderr lines are collected into <paramref name="output"/>.</summary>
    public static Process Start(string file, IEnumerable<string> args, out ConcurrentQueue<string> output,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var lines = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = lines;
        return process;
    }

    /// <summary>SIGTERM, as a container runtime or kubelet stops a service (<c>kill -TERM pid</c>).</summary>
    public static void Terminate(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", $"{process.Id}" }, UseShellExecute = false })!;
        if (!kill.WaitForExit(TimeSpan.FromSeconds(10)) || (kill.ExitCode != 0 && !process.HasExited))
        {
            throw new InvalidOperationException($"kill -TERM {process.Id} failed");
        }
    }

    public static bool IsRoot => Environment.IsPrivilegedProcess;
}
