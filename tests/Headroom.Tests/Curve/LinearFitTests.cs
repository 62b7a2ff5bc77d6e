using Headroom.Curve;

namespace Headroom.Tests.Curve;

public class LinearFitTests
{
    [Fact]
    public void Fit_NoisyLine_SlopeIntervalHoldsTheTrueSlope_PredictionWidensAwayFromTheData()
    {
        double[] noise = [0.3, -0.2, 0.1, -0.4, 0.2];
        var fit = LinearFit.Fit([.. new[] { 1.0, 10, 50, 100, 200 }.Select((x, i) => (x, 5 + 0.25 * x + noise[i]))])!;
        Assert.True(fit.HasError);
        var (low, high) = fit.SlopeInterval;
        Assert.InRange(0.25, low, high);
        var near = fit.PredictionInterval(100);
        var far = fit.PredictionInterval(1000);
        Assert.True(far.High - far.Low > near.High - near.Low);
        Assert.InRange(fit.At(1000), 250, 260);
    }

    [Fact]
    public void Fit_TwoLevels_ExactLineWithoutError()
    {
        var fit = LinearFit.Fit([(1, 10), (11, 30)])!;
        Assert.Equal(2, fit.Slope, 9);
        Assert.False(fit.HasError);
    }

    [Theory]
    [InlineData("10,5", "--concurrency '10,5' is not increasing (10 then 5): list the levels from low to high")]
    [InlineData("1,1", "--concurrency '1,1' is not increasing (1 then 1): list the levels from low to high")]
    [InlineData("0,10", "--concurrency '0,10': '0' is not a whole number of connections above 0")]
    [InlineData("1.5,10", "--concurrency '1.5,10': '1.5' is not a whole number of connections above 0")]
    [InlineData("50", "--concurrency '50' has one level; a curve needs at least two, e.g. 1,10,50,100")]
    public void ParseLevels_BadList_OneLine(string text, string expected) =>
        Assert.Equal(expected, Assert.Throws<UserInputException>(() => CurveAxis.Connections.ParseLevels(text)).Message);

    [Fact]
    public void ParseLevels_Increasing_InOrder() =>
        Assert.Equal([1.0, 10, 50, 200], CurveAxis.Connections.ParseLevels("1, 10,50,200"));
}
