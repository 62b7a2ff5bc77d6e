using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Headroom.Memory;

/// <summary>
/// .NET's own memory figures read straight from the process through its diagnostics IPC socket: an EventPipe
/// session on the <c>System.Runtime</c> event counters, as <c>dotnet-counters</c> does. Needs no endpoint in the
/// target. The session's buffer is charged to the target's cgroup, so it is kept at 1 MB.
/// </summary>
public sealed class DotnetCountersSource(int pid, TimeSpan interval) : IRuntimeFiguresSource
{
    private const long Megabyte = 1_000_000;
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private EventPipeSession? _session;
    private Task? _reader;

    public RuntimeFigures? Latest
    {
        get
        {
            lock (_lock)
            {
                return _values.Count == 0 ? null : ToFigures();
            }
        }
    }

    /// <summary>True when the process has a diagnostics socket (it is a .NET process that allows diagnostics).</summary>
    public static bool IsDotnetProcess(int pid) =>
        DiagnosticsClient.GetPublishedProcesses().Contains(pid);

    public Task<RuntimeFigures?> ReadNowAsync(CancellationToken cancellationToken) => Task.FromResult(Latest);

    /// <summary>Counters publish once per interval after the session starts; waits up to 2 s for the first.</summary>
    public async Task<RuntimeFigures?> FirstAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < 20 && Latest is null; i++)
        {
            await Task.Delay(100, cancellationToken);
        }
        return Latest;
    }

    /// <summary>Why no counters came, when none did (the process exited, diagnostics disabled).</summary>
    public string? LastError { get; private set; }

    public void Start(CancellationToken cancellationToken) =>
        _reader = Task.Run(async () =>
        {
            try
            {
                await ReadAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Best effort: a target that dies mid-session ends the stream anywhere (even inside its header).
                LastError = e.Message;
            }
        }, CancellationToken.None);

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        // The socket appears a little after the runtime starts.
        var client = new DiagnosticsClient(pid);
        var seconds = Math.Max(interval.TotalSeconds, 0.1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, (long)EventKeywords.None,
            new Dictionary<string, string> { ["EventCounterIntervalSec"] = seconds });
        for (var attempt = 0; attempt < 50 && _session is null; attempt++)
        {
            try
            {
                _session = await client.StartEventPipeSessionAsync([provider], requestRundown: false, circularBufferMB: 1, cancellationToken);
            }
            catch (Exception e) when (e is ServerNotAvailableException or IOException or UnsupportedCommandException or TimeoutException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
        if (_session is null)
        {
            return;
        }
        using var source = new EventPipeEventSource(_session.EventStream);
        source.Dynamic.All += OnEvent;
        await using (cancellationToken.Register(() => source.StopProcessing()))
        {
            try
            {
                await Task.Run(source.Process, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or InvalidOperationException)
            {
                // The target exited: its socket closed mid-stream.
            }
        }
    }

    private void OnEvent(TraceEvent traceEvent)
    {
        if (traceEvent.EventName != "EventCounters" ||
            traceEvent.PayloadValue(0) is not IDictionary<string, object> outer ||
            outer["Payload"] is not IDictionary<string, object> payload)
        {
            return;
        }
        var name = payload["Name"] as string ?? "";
        var value = payload.TryGetValue("Mean", out var mean) ? mean : payload.TryGetValue("Increment", out var increment) ? increment : null;
        if (value is null)
        {
            return;
        }
        lock (_lock)
        {
            _values[name] = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private RuntimeFigures ToFigures()
    {
        long? Bytes(string name, long unit) => _values.TryGetValue(name, out var v) ? (long)(v * unit) : null;
        long? Count(string name) => _values.TryGetValue(name, out var v) ? (long)v : null;
        var gen0 = Count("gen-0-gc-count");
        return new RuntimeFigures("dotnet-counters")
        {
            // gc-heap-size and friends are published in MB (10^6), working-set too.
            HeapAllocBytes = Bytes("gc-heap-size", Megabyte),
            HeapSysBytes = Bytes("gc-committed", Megabyte),
            SysBytes = Bytes("gc-committed", Megabyte),
            ResidentBytes = Bytes("working-set", Megabyte),
            // Gen 1 and gen 2 collections also collect gen 0, so the gen-0 count is every GC.
            GcCount = gen0,
            Threads = Count("threadpool-thread-count"),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            try
            {
                await _session.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException or EndOfStreamException)
            {
            }
            _session.Dispose();
        }
        if (_reader is not null)
        {
            try
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
            }
        }
    }
}
