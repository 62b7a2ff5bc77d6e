using Headroom.Soak;

namespace Headroom.Tests.Soak;

public class TheilSenTests
{
    [Fact]
    public void Fit_ExactLine_SlopeAndInterceptExact()
    {
        var fit = TheilSen.Fit([.. Enumerable.Range(0, 20).Select(i => (i * 1.0, 3.0 + 2.0 * i))])!;
        Assert.Equal(2.0, fit.Slope, 9);
        Assert.Equal(3.0, fit.Intercept, 9);
        Assert.Equal(2.0, fit.Low, 9);
        Assert.Equal(2.0, fit.High, 9);
    }

    [Fact]
    public void Fit_LineWithTwoWildOutliers_SlopeUnmoved()
    {
        var points = Enumerable.Range(0, 30).Select(i => (X: i * 1.0, Y: 10.0 + 0.5 * i)).ToList();
        points[7] = (7, 500);
        points[22] = (22, -400);
        var fit = TheilSen.Fit(points)!;
        Assert.InRange(fit.Slope, 0.49, 0.51);
        Assert.False(fit.IncludesZero);
    }

    [Fact]
    public void Fit_SawtoothWithoutTrend_IntervalIncludesZero()
    {
        var fit = TheilSen.Fit([.. Enumerable.Range(0, 30).Select(i => (i * 1.0, 100.0 + (i % 5) * 10.0 + (i % 3)))])!;
        Assert.True(fit.IncludesZero, $"slope {fit.Slope} ({fit.Low} to {fit.High})");
    }

    [Fact]
    public void Fit_TwoPoints_Null() => Assert.Null(TheilSen.Fit([(0, 1), (1, 2)]));
}
