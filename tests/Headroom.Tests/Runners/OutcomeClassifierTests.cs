namespace Headroom.Tests.Runners;

public class OutcomeClassifierTests
{
    private static readonly DateTimeOffset s_at = DateTimeOffset.UnixEpoch;

    private static (TrialOutcome, string) Classify(int? exit, long before, long after, params string[] output) =>
        OutcomeClassifier.Classify(new TrialObservation(exit is { } e ? new ExitStatus(e, s_at) : null, true, before, after, output, null));

    [Fact]
    public void KernelKill_CounterRoseAndSigkill_IsOomKilledWithBothAsEvidence()
    {
        var (outcome, evidence) = Classify(137, 0, 1);
        Assert.Equal(TrialOutcome.OomKilled, outcome);
        Assert.Equal("oom_kill 0->1, exit 137 (SIGKILL)", evidence);
    }

    [Fact]
    public void DotnetOutOfMemoryException_IsRuntimeOom_NotAKernelKill()
    {
        var (outcome, evidence) = Classify(134, 0, 0, "Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.");
        Assert.Equal(TrialOutcome.RuntimeOom, outcome);
        Assert.Contains("exit 134 (SIGABRT)", evidence, StringComparison.Ordinal);
        Assert.Contains(".NET", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void GoRuntimeOutOfMemory_IsRuntimeOom()
    {
        var (outcome, evidence) = Classify(2, 0, 0, "runtime: out of memory: cannot allocate 67108864-byte block (71008256 in use)", "fatal error: out of memory", "", "goroutine 1 [running]:");
        Assert.Equal(TrialOutcome.RuntimeOom, outcome);
        Assert.StartsWith("exit 2, Go:", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelKillWins_EvenWhenTheRuntimeAlsoComplained()
    {
        var (outcome, _) = Classify(137, 2, 3, "java.lang.OutOfMemoryError: Java heap space");
        Assert.Equal(TrialOutcome.OomKilled, outcome);
    }

    [Fact]
    public void SigkillWithoutTheCounterRising_IsNotCalledAnOomKill()
    {
        var (outcome, evidence) = Classify(137, 0, 0);
        Assert.Equal(TrialOutcome.Crashed, outcome);
        Assert.Contains("other than the kernel's OOM killer", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherExit_IsCrashedWithTheLastLine()
    {
        var (outcome, evidence) = Classify(1, 0, 0, "panic: boom", "");
        Assert.Equal(TrialOutcome.Crashed, outcome);
        Assert.Equal("exit 1, last output: \"panic: boom\"", evidence);
    }

    [Fact]
    public void Alive_WithThrashingEvidence_IsThrashing()
    {
        var (outcome, evidence) = OutcomeClassifier.Classify(new TrialObservation(null, true, 0, 0, [], "pgmajfault +5,000 in 3.0 s"));
        Assert.Equal(TrialOutcome.Thrashing, outcome);
        Assert.Equal("pgmajfault +5,000 in 3.0 s", evidence);
    }

    [Fact]
    public void ExitBeforeReady_IsStartFailed()
    {
        var (outcome, evidence) = OutcomeClassifier.Classify(new TrialObservation(new ExitStatus(127, s_at), false, 0, 0, ["sh: 1: exec: nope: not found"], null));
        Assert.Equal(TrialOutcome.StartFailed, outcome);
        Assert.StartsWith("exit 127 before it became ready", evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void AliveAndReady_Survived()
    {
        var (outcome, evidence) = OutcomeClassifier.Classify(new TrialObservation(null, true, 0, 0, [], null));
        Assert.Equal(TrialOutcome.Survived, outcome);
        Assert.Equal("alive after the load, oom_kill 0->0", evidence);
    }
}
