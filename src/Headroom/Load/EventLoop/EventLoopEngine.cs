namespace Headroom.Load.EventLoop;

/// <summary>
/// Runs a plain-http load on a few event-loop threads of its own (wrk's design): each thread owns a share of the
/// connections and one epoll set, sends the next request as soon as a response is complete, and needs no
/// per-request allocation, task or thread hand-off. https and non-Linux systems use the async workers instead.
/// </summary>
internal static class EventLoopEngine
{
    /// <summary>Threads to use: one per core, but never more than connections (a thread owns at least one).</summary>
    public static int ThreadCount(LoadOptions options)
    {
        var configured = Environment.GetEnvironmentVariable("HEADROOM_LOAD_THREADS");
        var threads = int.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Environment.ProcessorCount;
        return Math.Clamp(threads, 1, options.Concurrency);
    }

    /// <summary>Starts the loops; the task ends when every loop has sent its last request or the run was aborted.</summary>
    public static Task RunAsync(LoadRun run, LoadTally[] tallies)
    {
        var threadCount = ThreadCount(run.Options);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var remaining = threadCount;
        Exception? failure = null;
        for (var i = 0; i < threadCount; i++)
        {
            var connections = run.Options.Concurrency / threadCount + (i < run.Options.Concurrency % threadCount ? 1 : 0);
            var loop = new LoadEventLoop(run, tallies[i % tallies.Length], connections);
            var thread = new Thread(() =>
            {
                try
                {
                    loop.Run();
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    run.Abort();
                }
                finally
                {
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        if (failure is null)
                        {
                            done.SetResult();
                        }
                        else
                        {
                            done.SetException(failure);
                        }
                    }
                }
            })
            {
                IsBackground = true,
                Name = $"headroom load {i}",
            };
            thread.Start();
        }
        return done.Task;
    }
}
