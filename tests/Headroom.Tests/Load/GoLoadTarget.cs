using System.Diagnostics;

namespace Headroom.Tests.Load;

/// <summary>
/// The benchmark's Go target (bench/load-target) as a real child process on 127.0.0.1: built with `go build` once,
/// started, and killed on demand or on dispose. Tests skip when Go is not installed.
/// </summary>
internal sealed class GoLoadTarget : IAsyncDisposable
{
    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static string? _binary;
    private readonly Process _process;

    private GoLoadTarget(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<GoLoadTarget> StartAsync(CancellationToken ct)
    {
        var binary = await BuildAsync(ct);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-addr");
        start.ArgumentList.Add("127.0.0.1:0");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the Go target");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the Go target exited");
        // "listening on 127.0.0.1:PORT"
        return new GoLoadTarget(process, new Uri($"http://{line["listening on ".Length..]}/v1/users"));
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    private static async Task<string> BuildAsync(CancellationToken ct)
    {
        await BuildGate.WaitAsync(ct);
        try
        {
            if (_binary is not null)
            {
                return _binary;
            }
            var source = Path.Combine(RepositoryRoot(), "bench", "load-target");
            // In the test output folder, so repeated runs reuse it and nothing is left in /tmp.
            var output = Path.Combine(AppContext.BaseDirectory, "load-target");
            var build = new ProcessStartInfo("go") { WorkingDirectory = source, UseShellExecute = false, RedirectStandardError = true };
            foreach (var arg in new[] { "build", "-o", output, "." })
            {
                build.ArgumentList.Add(arg);
            }
            Process process;
            try
            {
                process = Process.Start(build)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                Assert.Skip("Go is not installed (apt-get install golang-go): the killed-target test needs a real process to kill");
                throw;
            }
            using (process)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromMinutes(2));
                var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"go build failed: {errors}");
                }
            }
            return _binary = output;
        }
        finally
        {
            BuildGate.Release();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Headroom.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("repository root (Headroom.slnx) not found");
    }
}
