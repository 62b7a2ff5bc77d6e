namespace Headroom.Tests.SalesApi;

/// <summary>
/// A throw-away PostgreSQL server (Debian's postgresql 15): initdb into a temp folder, pg_ctl start on a free port on
/// 127.0.0.1 with fsync off, stopped and deleted on dispose. PostgreSQL refuses to run as root, so as root it runs as
/// the <c>postgres</c> user the Debian package creates.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly string _folder;
    private readonly string _dataDir;
    private bool _started;

    private PostgresServer(string folder, int port)
    {
        _folder = folder;
        _dataDir = Path.Combine(folder, "pgdata");
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=10";

    public static string? WhyUnavailable() =>
        File.Exists(Path.Combine(BinDirectory, "initdb")) && File.Exists(Path.Combine(BinDirectory, "pg_ctl"))
            ? null
            : $"PostgreSQL binaries not found in {BinDirectory} (apt-get install postgresql; .ci/run does)";

    public static async Task<PostgresServer> StartAsync(CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("headroom-sales-pg-").FullName;
        var server = new PostgresServer(folder, FreePort.Next());
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("/bin/chown", ["postgres:postgres", folder], ct);
            }
            await RunAsync(Path.Combine(BinDirectory, "initdb"),
                ["-D", server._dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], ct);
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
                ["-D", server._dataDir, "-l", Path.Combine(folder, "postgres.log"), "-w", "-t", "60",
                 "-o", $"-c listen_addresses=127.0.0.1 -p {server.Port} -k {folder} -c fsync=off", "start"], ct);
            server._started = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task RunAsync(string tool, string[] args, CancellationToken ct)
    {
        var (file, arguments) = Environment.IsPrivilegedProcess && !tool.EndsWith("chown", StringComparison.Ordinal)
            ? ("/usr/sbin/runuser", (string[])["-u", "postgres", "--", tool, .. args])
            : (tool, args);
        var result = await ProcessRunner.RunAsync(new ProcessSpec(file, arguments) { Timeout = CommandTimeout }, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(tool)} exited {result.ExitCode}{(result.TimedOut ? " (timed out)" : "")}: {result.StandardOutput}{result.StandardError}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["-D", _dataDir, "-m", "fast", "-w", "-t", "60", "stop"], CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
