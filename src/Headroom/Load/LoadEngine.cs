namespace Headroom.Load;

/// <summary>How a load's requests are sent.</summary>
internal enum LoadEngine
{
    /// <summary>The event loops for plain http on Linux, the async workers otherwise.</summary>
    Auto,

    /// <summary>Async workers on .NET sockets (any system, http and https).</summary>
    Async,

    /// <summary>Headroom's own epoll loops (Linux, plain http; https still falls back to the async workers).</summary>
    EventLoop,
}
