using System.Diagnostics;

namespace Headroom.Tests.Processes;

public sealed class ProcessRunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProcessSpec Bash(string script) => new("bash", ["-c", script]);

    [Fact]
    public async Task Run_CapturesBothStreamsAndTheExitCode()
    {
        var result = await ProcessRunner.RunAsync(Bash("echo out; echo err >&2; exit 3"), Ct);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.False(result.TimedOut);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Run_PassesArgumentsVerbatimAndTheEnvironment()
    {
        var spec = new ProcessSpec("bash", ["-c", "printf '%s|' \"$1\" \"$HEADROOM_TEST_VALUE\"", "bash", "two words; $(not run)"])
        {
            Environment = new Dictionary<string, string?> { ["HEADROOM_TEST_VALUE"] = "set" },
        };

        var result = await ProcessRunner.RunAsync(spec, Ct);

        Assert.Equal("two words; $(not run)|set|\n", result.StandardOutput);
    }

    [Fact]
    public async Task Run_PastTheTimeout_StopsWithSigtermAndSaysTimedOut()
    {
        var spec = Bash("trap 'echo got-term; exit 0' TERM; while true; do sleep 0.05; done") with
        {
            Timeout = TimeSpan.FromMilliseconds(500),
        };

        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.RunAsync(spec, Ct);

        Assert.True(result.TimedOut);
        Assert.False(result.Killed);
        Assert.Contains("got-term", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Cancel_WhenSignalsAreIgnored_KillsTheWholeTreeAfterTheGracePeriod()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"headroom-runner-{Guid.NewGuid():N}.pid");
        try
        {
            // The child ignores SIGTERM and starts a grandchild that would outlive it if only the child were killed.
            var spec = Bash($"trap '' TERM; sleep 300 & echo $! > {pidFile}; wait") with
            {
                GracePeriod = TimeSpan.FromMilliseconds(300),
            };
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var run = ProcessRunner.RunAsync(spec, cancel.Token);
            while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
            {
                await Task.Delay(20, Ct);
            }
            var grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);

            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
            Assert.False(IsAlive(grandchild), "the grandchild outlived the kill of the tree");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task Stop_WithSigint_SendsSigint()
    {
        var spec = Bash("trap 'echo got-int; exit 0' INT; echo ready; while true; do sleep 0.05; done") with
        {
            StopSignal = StopSignal.Interrupt,
        };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var running = ProcessRunner.Start(spec with { OnOutputLine = line => { if (line == "ready") { ready.TrySetResult(); } } });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var result = await running.StopAsync(Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("got-int", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingExecutable_ThrowsProcessStartException()
    {
        var error = await Assert.ThrowsAsync<ProcessStartException>(
            () => ProcessRunner.RunAsync(new ProcessSpec("no-such-program-headroom", []), Ct));
        Assert.Equal("no-such-program-headroom", error.FileName);
    }

    [Fact]
    public async Task Run_LongOutput_KeepsTheTailWithinTheBound()
    {
        var spec = Bash("for i in $(seq 1 5000); do echo line-$i; done") with { MaxCapturedChars = 1000 };

        var result = await ProcessRunner.RunAsync(spec, Ct);

        Assert.True(result.StandardOutput.Length <= 1000);
        Assert.EndsWith("line-5000\n", result.StandardOutput, StringComparison.Ordinal);
    }

    private static bool IsAlive(int pid)
    {
        // A killed process can linger as a zombie until its parent reaps it; only a running one counts.
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(' ')[2] != "Z";
    }
}
