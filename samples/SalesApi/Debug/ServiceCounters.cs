namespace SalesApi.Debug;

/// <summary>The expvar counters of the original service: API requests served and those that ended in an error.</summary>
public sealed class ServiceCounters
{
    private long _requests;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);
    /// <summary>API answers with a status of 400 or more (the original counts every error a handler returns).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public void Count(int status)
    {
        Interlocked.Increment(ref _requests);
        if (status >= 400)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}
