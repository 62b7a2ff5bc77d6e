namespace Headroom.Tests.Support;

/// <summary>What a test needs and this machine lacks: a skip here, a failure in CI (HEADROOM_REQUIRE_CGROUPS=1).</summary>
internal static class Unavailable
{
    public static void SkipOrFail(string why)
    {
        if (Environment.GetEnvironmentVariable("HEADROOM_REQUIRE_CGROUPS") == "1")
        {
            Assert.Fail(why + " (HEADROOM_REQUIRE_CGROUPS=1)");
        }
        Assert.Skip(why);
    }

    /// <summary>For an expression: <c>Open() ?? Unavailable.SkipOrFail&lt;T&gt;(why)</c> (it never returns).</summary>
    public static T SkipOrFail<T>(string why)
    {
        SkipOrFail(why);
        return default!;
    }
}
