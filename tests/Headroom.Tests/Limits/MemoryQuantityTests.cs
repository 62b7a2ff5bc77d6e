namespace Headroom.Tests.Limits;

public class MemoryQuantityTests
{
    [Theory]
    [InlineData("17Mi", 17L * 1024 * 1024)]
    [InlineData("18M", 18_000_000L)]
    [InlineData("0.5Gi", 512L * 1024 * 1024)]
    [InlineData("1048576", 1048576L)]
    [InlineData("100Ki", 102400L)]
    public void Parse_KubernetesQuantity_GivesBytes(string text, long bytes)
    {
        Assert.Equal(bytes, MemoryQuantity.Parse(text).Bytes);
    }

    [Theory]
    [InlineData(17L * 1024 * 1024, "17Mi")]
    [InlineData(512L * 1024 * 1024, "512Mi")]
    [InlineData(1024L * 1024 * 1024, "1Gi")]
    public void ToKubernetes_ExactBinaryAmount_PrintsBinarySuffix(long bytes, string expected)
    {
        Assert.Equal(expected, new MemoryQuantity(bytes).ToKubernetes());
    }

    [Theory]
    [InlineData("17Qi")]
    [InlineData("0")]
    [InlineData("-5Mi")]
    [InlineData("")]
    [InlineData("Mi")]
    public void Parse_NotAPositiveQuantity_ThrowsUserInputWithTheText(string text)
    {
        var error = Assert.Throws<UserInputException>(() => MemoryQuantity.Parse(text, "--limit"));
        Assert.StartsWith("--limit", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
