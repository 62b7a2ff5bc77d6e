namespace Headroom.Load;

/// <summary>What every worker of one run shares: the options, the resolved target, the request bytes, the schedule.</summary>
internal sealed class LoadRun
{
    private volatile bool _aborted;

    public LoadRun(LoadOptions options, LoadTarget target, LoadSchedule schedule)
    {
        Options = options;
        Target = target;
        Schedule = schedule;
        Template = RequestTemplate.Create(options);
    }

    public LoadOptions Options { get; }
    public LoadTarget Target { get; }
    public LoadSchedule Schedule { get; }
    public RequestTemplate Template { get; }

    /// <summary>True once the run was cancelled or cut off: requests failing from then on are not counted.</summary>
    public bool Aborted => _aborted;

    public void Abort() => _aborted = true;

    /// <summary>The request a redirect asks for, or null when it leaves the origin (only same-origin ones are followed).</summary>
    public RequestTemplate? RedirectTo(string location, int status)
    {
        if (!Uri.TryCreate(Options.Url, location, out var url) || url.Scheme != Options.Url.Scheme ||
            !string.Equals(url.IdnHost, Options.Url.IdnHost, StringComparison.OrdinalIgnoreCase) || url.Port != Options.Url.Port)
        {
            return null;
        }
        // As Go's client (and so hey): 307 and 308 repeat the request; other redirects become a GET without body.
        var keepMethod = status is 307 or 308 || Options.Method == "HEAD";
        var options = keepMethod ? Options : Options with { Method = "GET", Body = null, ContentType = null };
        return RequestTemplate.Create(options, url.PathAndQuery);
    }
}
