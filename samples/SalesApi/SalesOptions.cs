using System.Globalization;

namespace SalesApi;

/// <summary>
/// The service's settings. Each comes from a flag, else from its <c>SALES_*</c> environment variable, else from the
/// default below, so <c>dotnet run --project samples/SalesApi</c> works with none given.
/// </summary>
public sealed record SalesOptions
{
    /// <summary>The article's key id, so its <c>make token</c> URL works verbatim.</summary>
    public const string DefaultKid = "54bb2165-71e1-41a6-af3e-7da4a0e1e2c1";

    /// <summary>API address. 0.0.0.0, like the original's <c>:3000</c>, so it is reachable from outside a container.</summary>
    public string ApiHost { get; init; } = "0.0.0.0";
    public int ApiPort { get; init; } = 3000;
    /// <summary>Debug address: loopback only, because /debug/vars and /metrics tell a lot about the process.</summary>
    public string DebugHost { get; init; } = "127.0.0.1";
    public int DebugPort { get; init; } = 4000;
    /// <summary>Holds the SQLite database and the generated signing key; relative to the working directory.</summary>
    public string DataDir { get; init; } = "data";
    /// <summary>An Npgsql connection string; empty means SQLite in <see cref="DataDir"/>.</summary>
    public string? PostgresConnectionString { get; init; }
    /// <summary>PEM RSA private key; empty means <c>DataDir/keys/&lt;kid&gt;.pem</c> (as the Go sample), generated at first start.</summary>
    public string? KeysPath { get; init; }
    public string ActiveKid { get; init; } = DefaultKid;

    public string KeyFile => string.IsNullOrEmpty(KeysPath) ? Path.Combine(DataDir, "keys", ActiveKid + ".pem") : KeysPath;
    public bool KeyFileIsGiven => !string.IsNullOrEmpty(KeysPath);
    public bool UsesPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    private static readonly (string Flag, string Env, string Help)[] Settings =
    [
        ("--api-host", "SALES_API_HOST", "API address (default 0.0.0.0)"),
        ("--api-port", "SALES_API_PORT", "API port (default 3000)"),
        ("--debug-host", "SALES_DEBUG_HOST", "debug address for /debug/vars and /metrics (default 127.0.0.1)"),
        ("--debug-port", "SALES_DEBUG_PORT", "debug port (default 4000)"),
        ("--data-dir", "SALES_DATA_DIR", "folder for the SQLite database and the generated key (default ./data)"),
        ("--db-postgres", "SALES_DB_POSTGRES", "Npgsql connection string; empty = SQLite"),
        ("--keys-path", "SALES_KEYS_PATH", "PEM RSA private key (default: generated into the data folder)"),
        ("--active-kid", "SALES_ACTIVE_KID", $"key id of the signing key (default {DefaultKid})"),
    ];

    public static string Usage =>
        "usage: SalesApi [flags]   (each flag also as its environment variable)\n" +
        string.Join("\n", Settings.Select(s => $"  {s.Flag,-14} {s.Env,-18} {s.Help}"));

    /// <summary>Reads flags over environment variables.</summary>
    /// <exception cref="ArgumentException">An unknown flag or a bad value, with a one-line message.</exception>
    public static SalesOptions From(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (flag, env, _) in Settings)
        {
            if (environment(env) is { } fromEnv)
            {
                values[flag] = fromEnv;
            }
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[..equals] : arg;
            if (!Settings.Any(s => s.Flag == flag))
            {
                throw new ArgumentException($"unknown flag '{arg}' (see --help)");
            }
            if (equals > 0)
            {
                values[flag] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                values[flag] = args[++i];
            }
            else
            {
                throw new ArgumentException($"flag {flag} needs a value");
            }
        }

        var options = new SalesOptions();
        options = values.TryGetValue("--api-host", out var v) ? options with { ApiHost = v } : options;
        options = values.TryGetValue("--api-port", out v) ? options with { ApiPort = Port("--api-port", v) } : options;
        options = values.TryGetValue("--debug-host", out v) ? options with { DebugHost = v } : options;
        options = values.TryGetValue("--debug-port", out v) ? options with { DebugPort = Port("--debug-port", v) } : options;
        options = values.TryGetValue("--data-dir", out v) && v.Length > 0 ? options with { DataDir = v } : options;
        options = values.TryGetValue("--db-postgres", out v) ? options with { PostgresConnectionString = v } : options;
        options = values.TryGetValue("--keys-path", out v) ? options with { KeysPath = v } : options;
        options = values.TryGetValue("--active-kid", out v) && v.Length > 0 ? options with { ActiveKid = v } : options;
        if (options.ActiveKid.IndexOfAny(['/', '\\']) >= 0 || options.ActiveKid is "." or "..")
        {
            throw new ArgumentException($"--active-kid '{options.ActiveKid}' cannot be a path; use a name like {DefaultKid}");
        }
        if (options.ApiPort == options.DebugPort)
        {
            throw new ArgumentException($"the API and the debug server cannot share port {options.ApiPort}");
        }
        return options;
    }

    private static int Port(string flag, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"{flag} must be a port number from 1 to 65535, not '{text}'");
}
