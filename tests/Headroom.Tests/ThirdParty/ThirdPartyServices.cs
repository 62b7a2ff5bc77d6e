namespace Headroom.Tests.ThirdParty;

/// <summary>
/// Services Headroom did not ship, from Debian's packages (nginx-light, python3, default-jdk-headless, nodejs): each
/// as a command line on a free port, with its readiness and load URLs. Skips when the runtime is missing, and fails
/// instead under HEADROOM_REQUIRE_CGROUPS=1 (CI installs them).
/// </summary>
internal sealed record ThirdPartyService(string Name, IReadOnlyList<string> Command, int Port, string Path, string? WorkingDirectory = null)
{
    public string ReadyUrl => $"http://127.0.0.1:{Port}{Path}";

    public string Load(int requests = 300) => $"-c 2 -n {requests} http://127.0.0.1:{Port}{Path}";
}

internal static class ThirdPartyServices
{
    private static readonly string s_programs = System.IO.Path.Combine(AppContext.BaseDirectory, "Programs", "third-party");
    private static readonly SemaphoreSlim s_build = new(1, 1);
    private static string? s_classes;

    public static string Require(string program)
    {
        if (TargetFiles.ResolveExecutable(program) is { } path)
        {
            return path;
        }
        var message = $"needs {program} (CI installs it from Debian)";
        if (Environment.GetEnvironmentVariable("HEADROOM_REQUIRE_CGROUPS") == "1")
        {
            Assert.Fail(message + " (HEADROOM_REQUIRE_CGROUPS=1)");
        }
        Assert.Skip(message);
        return null!;
    }

    /// <summary>The JDK app of a few dozen lines (tests/Programs/third-party/Api.java), compiled once.</summary>
    public static async Task<ThirdPartyService> JdkAsync()
    {
        Require("java");
        Require("javac");
        await s_build.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (s_classes is null)
            {
                var classes = Directory.CreateTempSubdirectory("headroom-jdk-classes-").FullName;
                var result = await ProcessRunner.RunAsync(new ProcessSpec("javac", ["-d", classes, System.IO.Path.Combine(s_programs, "Api.java")]) { Timeout = TimeSpan.FromMinutes(2) },
                    TestContext.Current.CancellationToken);
                Assert.True(result.Succeeded, result.StandardError);
                s_classes = classes;
            }
        }
        finally
        {
            s_build.Release();
        }
        var port = FreePort.Next();
        return new ThirdPartyService("jdk", ["java", "-cp", s_classes, "Api", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], port, "/users");
    }

    public static ThirdPartyService Node()
    {
        Require("node");
        var port = FreePort.Next();
        return new ThirdPartyService("node", ["node", System.IO.Path.Combine(s_programs, "server.js"), port.ToString(System.Globalization.CultureInfo.InvariantCulture)], port, "/users");
    }

    /// <summary><c>python3 -m http.server</c> serving a folder with one file.</summary>
    public static ThirdPartyService Python(string folder)
    {
        Require("python3");
        File.WriteAllText(System.IO.Path.Combine(folder, "index.html"), new string('x', 4096));
        var port = FreePort.Next();
        return new ThirdPartyService("python", ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", folder, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], port, "/index.html");
    }

    /// <summary>nginx in the foreground with a config of its own, serving one static file.</summary>
    public static ThirdPartyService Nginx(string folder)
    {
        Require("nginx");
        // nginx's worker drops root for nobody/www-data, and a temp folder is made 0700: the worker could not read the file.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        var port = FreePort.Next();
        File.WriteAllText(System.IO.Path.Combine(folder, "index.html"), new string('x', 4096));
        var config = System.IO.Path.Combine(folder, "nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
              server { listen 127.0.0.1:{{port}}; root {{folder}}; }
            }
            """);
        return new ThirdPartyService("nginx", ["nginx", "-c", config, "-p", folder], port, "/index.html");
    }
}
