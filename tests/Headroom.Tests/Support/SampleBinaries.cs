namespace Headroom.Tests.Support;

internal static class SampleBinaries
{
    /// <summary>The sample service's DLL, built in the same configuration as these tests (the project reference builds it first).</summary>
    public static string SalesApiDll
    {
        get
        {
            var testBin = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            var configuration = testBin.Parent!.Name;
            var dll = Path.Combine(RepoRoot.Path, "samples", "SalesApi", "bin", configuration, testBin.Name, "SalesApi.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the sample first: {dll} is missing");
        }
    }
}
