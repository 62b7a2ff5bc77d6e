using System.Diagnostics;
using Headroom.Memory;
using Headroom.Memory.Runtime;
using Headroom.Tests.ThirdParty;

namespace Headroom.Tests.Memory;

/// <summary>HotSpot's perf data file, read as the JVM's runtime figures: a recorded file and a live JDK's.</summary>
public class HsPerfDataTests
{
    [Fact]
    public void RecordedJdk17SerialGc_GivesHeapUsedCommittedAndGcs()
    {
        // JDK 17, -XX:+UseSerialGC, after 2,000 requests to tests/Programs/third-party/Api.java (one young GC).
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Memory", "Recorded", "hsperfdata-jdk17-serial.bin"));
        var counters = HsPerfData.Parse(data)!;
        var figures = HsPerfData.ToFigures(counters)!;

        Assert.Equal("hsperfdata", figures.Source);
        Assert.Equal(84_827_816 + 1_874_352, figures.HeapAllocBytes);
        Assert.Equal(132_120_576 + 264_241_152, figures.HeapSysBytes);
        Assert.Equal(132_120_576 + 264_241_152 + 2_818_048 + 1_790_584, figures.SysBytes);
        Assert.Equal(1, figures.GcCount);
        Assert.Equal(12, figures.Threads);
        Assert.Equal("Copy:MSC", counters["sun.gc.policy.name"]);
    }

    [Fact]
    public void RecordedJdk17G1BeforeAnyGc_GivesCommittedHeapAndNoGcs()
    {
        // JDK 17 with its default G1, idle 2 s after the start: G1 updates "used" only at a GC, so it reads 0 here.
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Memory", "Recorded", "hsperfdata-jdk17-g1-idle.bin"));
        var counters = HsPerfData.Parse(data)!;
        var figures = HsPerfData.ToFigures(counters)!;

        Assert.Equal("GarbageFirst", counters["sun.gc.policy.name"]);
        Assert.True(figures.HeapSysBytes > 0);
        Assert.Equal(0, figures.GcCount);
    }

    [Fact]
    public void NotAPerfDataFile_IsNull()
    {
        Assert.Null(HsPerfData.Parse(new byte[64]));
        Assert.Null(HsPerfData.Parse("hello"u8));
    }

    [Fact]
    public async Task LiveJdk_PublishesItsHeapThroughTheSource()
    {
        var service = await ThirdPartyServices.JdkAsync();
        using var java = Process.Start(new ProcessStartInfo(service.Command[0], service.Command.Skip(1)) { RedirectStandardOutput = true })!;
        try
        {
            await using var source = new HsPerfDataSource(() => [java.Id], TimeSpan.FromMilliseconds(100));
            source.Start(TestContext.Current.CancellationToken);
            RuntimeFigures? figures = null;
            for (var i = 0; i < 100 && figures is null; i++)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
                figures = source.Latest;
            }
            Assert.NotNull(figures);
            Assert.InRange(figures.HeapSysBytes!.Value, 1L << 20, 64L << 30);
            Assert.True(figures.SysBytes > figures.HeapSysBytes, "committed total includes metaspace and code");
        }
        finally
        {
            java.Kill();
            await java.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
