using System.Globalization;
using System.Text;

namespace Headroom.Load;

/// <summary>
/// hey's command line (<c>-n 1000 -c 10 -H "Authorization: Bearer x" URL</c>) turned into <see cref="LoadOptions"/>.
/// Flags may be written with one dash (as hey) or two, and as <c>-flag value</c> or <c>-flag=value</c>.
/// Every error is a <see cref="UserInputException"/> with one line that says what to fix.
/// </summary>
public static class HeyArguments
{
    /// <summary>Splits one string of load arguments into words, shell-style (single and double quotes, backslashes).</summary>
    public static IReadOnlyList<string> Split(string commandLine) => ShellWords.Split(commandLine);

    /// <summary>Joins arguments into one line that <see cref="Split"/> reads back as the same words.</summary>
    public static string Join(IEnumerable<string> words) => ShellWords.Join(words);

    /// <summary>Parses hey's flags plus <c>--rate</c>, <c>--warmup</c>, <c>--expect</c>, <c>--json</c> into validated options.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var state = new ParseState();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-' || IsNegativeNumber(arg))
            {
                if (state.Url is not null)
                {
                    throw new UserInputException($"more than one URL given ('{state.Url}' and '{arg}'): give exactly one");
                }
                state.Url = arg;
                continue;
            }
            var name = arg.TrimStart('-');
            string? inlineValue = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }
            if (IsSwitch(name))
            {
                if (inlineValue is not null && !bool.TryParse(inlineValue, out var on))
                {
                    throw new UserInputException($"-{name} takes no value, got '{inlineValue}'");
                }
                ApplySwitch(state, name, inlineValue is null || bool.Parse(inlineValue));
                continue;
            }
            string value;
            if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UserInputException($"flag -{name} needs a value (see 'headroom load --help')");
            }
            ApplyValue(state, name, value);
        }
        return state.Build();
    }

    private static bool IsNegativeNumber(string arg) =>
        double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static bool IsSwitch(string name) => name is
        "disable-keepalive" or "disable-compression" or "disable-redirects" or "json" or "h2";

    private static void ApplySwitch(ParseState state, string name, bool on)
    {
        switch (name)
        {
            case "disable-keepalive": state.Options = state.Options with { DisableKeepAlive = on }; break;
            case "disable-compression": state.Options = state.Options with { DisableCompression = on }; break;
            case "disable-redirects": state.Options = state.Options with { DisableRedirects = on }; break;
            case "json": state.Json = on; break;
            case "h2": throw new UserInputException("-h2 (HTTP/2) is not supported: headroom load speaks HTTP/1.1; drop the flag");
        }
    }

    private static void ApplyValue(ParseState state, string name, string value)
    {
        var o = state.Options;
        state.Options = name switch
        {
            "n" => o with { Requests = ParseInt(name, value) },
            "c" => o with { Concurrency = ParseInt(name, value) },
            "q" => o with { RatePerWorker = ParseRate(name, value) },
            "rate" => o with { TotalRate = ParseRate(name, value) },
            "z" => o with { Duration = ParseDuration(name, value) },
            "t" => o with { Timeout = ParseDuration(name, value) },
            "warmup" => o with { Warmup = ParseInt(name, value) },
            "m" => o with { Method = ParseMethod(value) },
            "H" => o with { Headers = [.. o.Headers, ParseHeader(value)] },
            "A" => o with { Headers = [.. o.Headers, new("Accept", value)] },
            "host" => o with { Headers = [.. o.Headers, new("Host", value)] },
            "d" => o with { Body = Encoding.UTF8.GetBytes(value) },
            "D" => o with { Body = ReadBodyFile(value) },
            "T" => o with { ContentType = value },
            "a" => o with { BasicAuth = ParseBasicAuth(value) },
            "o" => o with { Output = ParseOutput(value), KeepRequestSamples = ParseOutput(value) == LoadOutputFormat.Csv },
            "expect" => o with { Expect = ExpectedStatuses.Parse(value) },
            "cpus" => o, // hey's GOMAXPROCS; the .NET thread pool sizes itself.
            "x" => throw new UserInputException("-x (HTTP proxy) is not supported: load a service directly"),
            _ => throw new UserInputException($"unknown flag -{name} (see 'headroom load --help')"),
        };
    }

    private static int ParseInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : System.Numerics.BigInteger.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var big)
                ? throw new UserInputException(big > 0
                    ? $"-{name} {value} is too large: at most {int.MaxValue}"
                    : $"-{name} {value} is too small: at least {int.MinValue}")
                : throw new UserInputException($"-{name} must be a whole number, got '{value}'");

    private static double ParseRate(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate >= 0 && double.IsFinite(rate)
            ? rate
            : throw new UserInputException($"-{name} must be a rate in requests per second (0 or more), got '{value}'");

    private static TimeSpan ParseDuration(string name, string value) =>
        GoDuration.TryParse(value, out var duration)
            ? duration
            : throw new UserInputException($"-{name} must be a duration such as 10s, 1m30s or 500ms (a bare number is seconds), got '{value}'");

    private static string ParseMethod(string value)
    {
        var method = value.ToUpperInvariant();
        return method.Length > 0 && method.All(char.IsAsciiLetterUpper)
            ? method
            : throw new UserInputException($"-m must be an HTTP method such as GET or POST, got '{value}'");
    }

    internal static KeyValuePair<string, string> ParseHeader(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? value[..colon].Trim() : "";
        if (name.Length == 0 || !name.All(IsTokenChar) || value.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new UserInputException($"malformed header '{value}': write it as -H \"Name: value\"");
        }
        return new(name, value[(colon + 1)..].Trim());
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static byte[] ReadBodyFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UserInputException($"cannot read the body file -D '{path}': {e.Message}", e);
        }
    }

    private static string ParseBasicAuth(string value) =>
        value.Contains(':', StringComparison.Ordinal)
            ? value
            : throw new UserInputException($"-a must be username:password, got '{value}'");

    private static LoadOutputFormat ParseOutput(string value) => value switch
    {
        "csv" => LoadOutputFormat.Csv,
        "json" => LoadOutputFormat.Json,
        _ => throw new UserInputException($"-o must be csv (or json), got '{value}'"),
    };

    private sealed class ParseState
    {
        public string? Url { get; set; }
        public bool Json { get; set; }
        public LoadOptions Options { get; set; } = new() { Url = new Uri("http://127.0.0.1/") };

        public LoadOptions Build()
        {
            if (Url is null)
            {
                throw new UserInputException("no URL given: headroom load [flags] http://host:port/path");
            }
            var url = LoadOptionsValidation.ParseUrl(Url);
            var options = Options with { Url = url };
            if (url.UserInfo.Length > 0 && options.BasicAuth is null)
            {
                // As hey (Go's net/http) does: credentials in the URL are sent as Basic auth; -a wins over them.
                var separator = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
                var user = Uri.UnescapeDataString(separator < 0 ? url.UserInfo : url.UserInfo[..separator]);
                var password = separator < 0 ? "" : Uri.UnescapeDataString(url.UserInfo[(separator + 1)..]);
                options = options with { BasicAuth = $"{user}:{password}" };
            }
            if (Json)
            {
                options = options with { Output = LoadOutputFormat.Json, KeepRequestSamples = false };
            }
            LoadOptionsValidation.Validate(options);
            return options;
        }
    }
}
