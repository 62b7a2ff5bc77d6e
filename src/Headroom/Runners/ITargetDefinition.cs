using Headroom.Runners.Local;

namespace Headroom.Runners;

/// <summary>What to run: prepares a fresh launch for each trial (ports, data folder) and checks it can be started.</summary>
public interface ITargetDefinition
{
    string Describe();

    Task<TargetLaunch> PrepareAsync(CancellationToken cancellationToken);
}

/// <summary>A target given as a command line and its URLs, started the same way for every trial.</summary>
public sealed record CommandTarget(TargetLaunch Launch) : ITargetDefinition
{
    public string Describe() => string.Join(' ', Launch.Command);

    public Task<TargetLaunch> PrepareAsync(CancellationToken cancellationToken) => Task.FromResult(Launch);
}
