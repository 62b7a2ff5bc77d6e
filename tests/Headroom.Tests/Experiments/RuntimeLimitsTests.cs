using Headroom.Specs;

namespace Headroom.Tests.Experiments;

public class RuntimeLimitsTests
{
    private const long MiB = 1048576;

    // The C# sample's unlimited run as measured here: 41.9 MiB charged, anon 17.2, file 23.0, heap 7.3.
    private static readonly TrialMemorySummary DotnetSample = new(
        (long)(41.9 * MiB), (long)(17.2 * MiB), 23 * MiB, 100, 174 * MiB, 3 * MiB, (long)(7.3 * MiB), 6);

    [Fact]
    public void NonHeapOverhead_CountsAnonOutsideTheHeapAndHalfThePageCache()
    {
        var (bytes, derivation) = RuntimeLimits.NonHeapOverhead(DotnetSample)!.Value;

        Assert.Equal((long)(17.2 * MiB) - (long)(7.3 * MiB) + 23 * MiB / 2, bytes);
        Assert.Contains("half the file pages", derivation, StringComparison.Ordinal);
    }

    [Fact]
    public void Dotnet_LimitWithRoomForTheHeap_IsTheLimitLessTheOverhead()
    {
        var overhead = RuntimeLimits.NonHeapOverhead(DotnetSample);
        var limit = MemoryQuantity.Parse("37Mi");

        var runtime = RuntimeLimits.For(TargetRuntime.Dotnet, limit, overhead, DotnetSample.RuntimeHeapSysBytes)!;

        Assert.Equal(limit.Bytes - overhead!.Value.Bytes, runtime.Bytes!.Value.Bytes);
        Assert.True(runtime.Bytes!.Value.Bytes >= 2 * DotnetSample.RuntimeHeapSysBytes);
    }

    [Fact]
    public void Dotnet_LimitLeavingTooLittleHeap_FallsBackToTheRuntimesDefaultShare()
    {
        var overhead = RuntimeLimits.NonHeapOverhead(DotnetSample);
        var limit = MemoryQuantity.Parse("30Mi");

        var runtime = RuntimeLimits.For(TargetRuntime.Dotnet, limit, overhead, DotnetSample.RuntimeHeapSysBytes)!;

        Assert.Equal((long)(limit.Bytes * RuntimeLimits.DefaultHeapShare), runtime.Bytes!.Value.Bytes);
        Assert.Contains("container default", runtime.Derivation, StringComparison.Ordinal);
    }
}
