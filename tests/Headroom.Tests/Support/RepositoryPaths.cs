namespace Headroom.Tests.Support;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The sample service's DLL, built in the same configuration as these tests (the project reference builds it first).</summary>
    public static string SalesApiDll
    {
        get
        {
            var testBin = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            var configuration = testBin.Parent!.Name;
            var dll = Path.Combine(Root, "samples", "SalesApi", "bin", configuration, testBin.Name, "SalesApi.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the sample first: {dll} is missing");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Headroom.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"no Headroom.slnx above {AppContext.BaseDirectory}");
    }
}
