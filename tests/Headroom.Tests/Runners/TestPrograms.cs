namespace Headroom.Tests.Runners;

/// <summary>Small allocator programs built once per test run: C (gcc), Go (go build) and .NET (built with the tests).</summary>
internal static class TestPrograms
{
    private static readonly string s_folder = CreateFolder();

    // One folder per test run, removed when the test host exits.
    private static string CreateFolder()
    {
        var folder = Directory.CreateTempSubdirectory("headroom-test-programs-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Still in use by a program a test left running; the next run makes its own folder.
            }
        };
        return folder;
    }
    private static readonly SemaphoreSlim s_build = new(1, 1);

    /// <summary><c>alloc MIB HOLD_SECONDS</c>: allocates and touches MIB MiB, then sleeps.</summary>
    public static Task<string> AllocAsync() =>
        BuildOnceAsync("alloc", new ProcessSpec("gcc", ["-O1", "-o", Path.Combine(s_folder, "alloc"), Source("alloc.c")]));

    /// <summary><c>http-mem PORT leak BYTES</c> (every request keeps BYTES more) and <c>http-mem PORT per-conn BYTES</c> (every open connection holds BYTES).</summary>
    public static Task<string> HttpMemAsync() =>
        BuildOnceAsync("http-mem", new ProcessSpec("gcc", ["-O1", "-o", Path.Combine(s_folder, "http-mem"), Source("http-mem.c")]));

    /// <summary><c>go-oom runtime-oom</c> and <c>go-oom serve PORT MIB</c>.</summary>
    public static Task<string> GoOomAsync() =>
        BuildOnceAsync("go-oom", new ProcessSpec("go", ["build", "-o", Path.Combine(s_folder, "go-oom"), "."])
        {
            WorkingDirectory = Path.Combine(AppContext.BaseDirectory, "Programs"),
            Environment = new Dictionary<string, string?> { ["GOFLAGS"] = "-mod=mod", ["CGO_ENABLED"] = "0" },
        });

    /// <summary>The .NET allocator's dll (<c>dotnet DotnetAlloc.dll MIB HOLD_SECONDS</c>), built with the test project.</summary>
    public static string DotnetAlloc()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "tests", "Programs", "dotnet-alloc", "bin", configuration, "net10.0", "DotnetAlloc.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }
        throw new InvalidOperationException("DotnetAlloc.dll not found; it is built with the test project");
    }

    /// <summary>
    /// <c>python3 test_server.py PORT [--status CODE] [--fail-every N] [--ballast MIB] [--shed-above SHARE]</c>: an
    /// HTTP target whose failures are known, and whose <c>/env</c> answers its environment.
    /// </summary>
    public static string TestServer() => Source("test_server.py");

    private static string Source(string name) => Path.Combine(AppContext.BaseDirectory, "Programs", name);

    private static async Task<string> BuildOnceAsync(string name, ProcessSpec build)
    {
        var output = Path.Combine(s_folder, name);
        await s_build.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!File.Exists(output))
            {
                var result = await ProcessRunner.RunAsync(build with { Timeout = TimeSpan.FromMinutes(3) }, TestContext.Current.CancellationToken);
                Assert.True(result.Succeeded, $"building {name} failed: {result.StandardError}");
            }
            return output;
        }
        finally
        {
            s_build.Release();
        }
    }
}
