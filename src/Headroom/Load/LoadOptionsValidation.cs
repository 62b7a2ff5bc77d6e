namespace Headroom.Load;

/// <summary>Checks <see cref="LoadOptions"/> before a run; each problem is one line that says what to fix.</summary>
internal static class LoadOptionsValidation
{
    public static Uri ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host) ||
            !text.Contains("://", StringComparison.Ordinal))
        {
            throw new UserInputException($"malformed URL '{text}': give an absolute URL such as http://127.0.0.1:8080/path");
        }
        CheckScheme(url);
        return url;
    }

    public static void Validate(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckScheme(options.Url);
        if (options.Concurrency < 1)
        {
            throw new UserInputException($"-c must be at least 1, got {options.Concurrency}");
        }
        if (options.Duration is null)
        {
            if (options.Requests < 1)
            {
                throw new UserInputException($"-n must be at least 1, got {options.Requests}");
            }
            if (options.Concurrency > options.Requests)
            {
                throw new UserInputException(
                    $"-c ({options.Concurrency}) is more than -n ({options.Requests}): lower -c or raise -n");
            }
        }
        else if (options.Duration <= TimeSpan.Zero)
        {
            throw new UserInputException($"-z must be longer than zero, got {options.Duration}");
        }
        if (options.Warmup < 0)
        {
            throw new UserInputException($"--warmup must be 0 or more, got {options.Warmup}");
        }
        if (options.Timeout < TimeSpan.Zero)
        {
            throw new UserInputException($"-t must be 0 (none) or more, got {options.Timeout}");
        }
        if (options.RatePerWorker < 0 || options.TotalRate < 0)
        {
            throw new UserInputException("-q and --rate must be 0 (none) or more");
        }
        if (options.RatePerWorker > 0 && options.TotalRate > 0)
        {
            throw new UserInputException("-q (per worker, closed model) and --rate (total, open model) exclude each other: give one");
        }
    }

    private static void CheckScheme(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https"))
        {
            throw new UserInputException(
                $"'{url}' is not an HTTP URL: headroom load sends HTTP/1.1 to http:// or https:// URLs");
        }
    }
}
