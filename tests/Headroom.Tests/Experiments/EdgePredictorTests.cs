using Headroom.Cgroups;
using Headroom.Memory;

namespace Headroom.Tests.Experiments;

public class EdgePredictorTests
{
    private static string Recorded(string name) => Path.Combine(AppContext.BaseDirectory, "Cgroups", "Recorded", name);

    private static async Task<TrialMemorySummary> SummaryOfAsync(MemoryCgroup cgroup)
    {
        await using var sampler = new MemorySampler(cgroup, () => null, () => null, () => null, TimeSpan.FromSeconds(1));
        sampler.Take();
        return TrialFigures.Summarize(sampler.Samples, null, null);
    }

    [Fact]
    public async Task V2RecordedTree_PredictsMemoryCurrentLessInactiveFile()
    {
        // memory.current 1212416, inactive_file 536576 (anon 450560, file 622592 of which active 86016)
        var memory = await SummaryOfAsync(new CgroupV2MemoryCgroup(Recorded("v2-after-oom-kill")));

        var prediction = EdgePredictor.Predict(memory);

        Assert.Equal(1212416 - 536576, memory.PeakWorkingSetBytes);
        Assert.Equal(1212416 - 536576, prediction.Edge!.Value.Bytes);
        Assert.StartsWith("peak working set 0.6 MiB (charged less the inactive file pages", prediction.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1RecordedTree_PredictsUsageLessTotalInactiveFile()
    {
        // alloc 64 under 128 MiB: usage_in_bytes 67895296, total_inactive_file 4096
        var memory = await SummaryOfAsync(new CgroupV1MemoryCgroup(Recorded("v1-alive-64mib")));

        var prediction = EdgePredictor.Predict(memory);

        Assert.Equal(67895296 - 4096, prediction.Edge!.Value.Bytes);
        Assert.InRange(prediction.Edge!.Value.Bytes, 64L << 20, 65L << 20);
    }

    [Fact]
    public void FilePagesReadOnce_AreLeftOut_WhereAnonAndSharedMemoryCount()
    {
        // The JDK app cold, unlimited (measured here): anon 42.4 MiB, file 70.8 MiB of which 70.4 inactive (lib/modules
        // read once at start); the old rule said 77.8 MiB, the working set says 44.2.
        var jdk = Summary(charged: 114.6, anon: 42.4, file: 70.8, workingSet: 44.2);
        // The C# sample: 21.9 MiB "file" of which only 8 MiB on the file lists; the rest is shmem (the JIT's double mapping).
        var dotnet = Summary(charged: 39.8, anon: 16.0, file: 21.9, workingSet: 35.5);

        Assert.Equal(MemoryQuantity.FromMebibytes(44.2), EdgePredictor.Predict(jdk).Edge);
        Assert.Contains("the other 70.4 MiB of the peak charged 114.6 MiB were inactive file pages", EdgePredictor.Predict(jdk).Explanation, StringComparison.Ordinal);
        Assert.Equal(MemoryQuantity.FromMebibytes(35.5), EdgePredictor.Predict(dotnet).Edge);
    }

    [Fact]
    public void WithoutAWorkingSet_OldRecordsKeepAnonAndHalfTheFilePages()
    {
        var old = Summary(charged: 14.1, anon: 7.4, file: 6.7, workingSet: null);

        var prediction = EdgePredictor.Predict(old);

        Assert.Equal(MemoryQuantity.FromMebibytes(10.75).Bytes, prediction.Edge!.Value.Bytes, tolerance: 1);
        Assert.StartsWith("peak anon 7.4 MiB + half of peak file 6.7 MiB", prediction.Explanation, StringComparison.Ordinal);
    }

    private static TrialMemorySummary Summary(double charged, double anon, double file, double? workingSet) =>
        new(Bytes(charged), Bytes(anon), Bytes(file), null, null, null, null, null) { PeakWorkingSetBytes = workingSet is { } w ? Bytes(w) : null };

    private static long Bytes(double mebibytes) => MemoryQuantity.FromMebibytes(mebibytes).Bytes;
}
