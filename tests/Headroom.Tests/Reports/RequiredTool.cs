namespace Headroom.Tests.Reports;

/// <summary>
/// Skips a test whose outside tool is missing, with the reason, but fails it instead when
/// <c>HEADROOM_REQUIRE_CGROUPS=1</c> says this is CI, where every tool is installed and a skip would hide a gap.
/// </summary>
internal static class RequiredTool
{
    public const string RequireVariable = "HEADROOM_REQUIRE_CGROUPS";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static void SkipUnlessPresent(string path, string install)
    {
        if (File.Exists(path))
        {
            return;
        }
        var reason = $"{path} is not installed ({install})";
        if (Required)
        {
            Assert.Fail($"{reason}, and {RequireVariable}=1 requires it");
        }
        Assert.Skip(reason);
    }
}
