namespace Headroom.Tests;

public class KnobSetTests
{
    private static readonly MemoryQuantity Limit18Mi = MemoryQuantity.Parse("18Mi");

    [Fact]
    public void Go_RendersLimitInBytesAndGcOff()
    {
        var env = KnobPresets.Get("go").Render(Limit18Mi);
        Assert.Equal("18874368", env["GOMEMLIMIT"]);
        Assert.Equal("off", env["GOGC"]);
    }

    [Fact]
    public void GoSoft_RendersNinetyPercent()
    {
        Assert.Equal("16986931", KnobPresets.Get("go-soft").Render(Limit18Mi)["GOMEMLIMIT"]);
    }

    [Fact]
    public void Dotnet_RendersHex()
    {
        Assert.Equal("1200000", KnobPresets.Get("dotnet").Render(Limit18Mi)["DOTNET_GCHeapHardLimit"]);
    }

    [Fact]
    public void Node_RendersMebibytes()
    {
        Assert.Equal("--max-old-space-size=13", KnobPresets.Get("node").Render(Limit18Mi)["NODE_OPTIONS"]);
    }

    [Fact]
    public void Render_Unlimited_DropsTemplatedVariablesKeepsLiterals()
    {
        var env = KnobPresets.Get("go").Render(null);
        Assert.False(env.ContainsKey("GOMEMLIMIT"));
        Assert.Equal("off", env["GOGC"]);
    }

    [Fact]
    public void Get_UnknownName_ListsTheKnownOnes()
    {
        var error = Assert.Throws<UserInputException>(() => KnobPresets.Get("gogc"));
        Assert.Contains("dotnet-conserve", error.Message);
    }
}
