using Headroom.Trials;

namespace Headroom.Runners.Local;

/// <summary>Checks made before anything is started, each failing with a one-line <see cref="UserInputException"/>.</summary>
public static class TrialPreflight
{
    public static void Check(TrialRequest request, TargetLaunch launch)
    {
        CheckLimit(request);
        if (launch.Command.Count == 0)
        {
            throw new UserInputException("no command to run; give one after '--'");
        }
        if (TargetFiles.ResolveExecutable(launch.Command[0], launch.WorkingDirectory) is null)
        {
            throw new UserInputException($"command '{launch.Command[0]}' not found (not a file and not on PATH); check the command after '--'");
        }
        foreach (var url in new[] { launch.ReadyUrl, launch.StatsUrl })
        {
            if (url is not null && PortCheck.IsListening(url))
            {
                throw new UserInputException(
                    $"port {url.Port} of {url} is already in use by another process; stop it or start the target on another port");
            }
        }
    }

    /// <summary>Any runner: a limit below the floor at which no process starts at all.</summary>
    public static void CheckLimit(TrialRequest request)
    {
        if (request.Limit is { } limit && limit.Bytes < LocalRunnerOptions.LimitFloorBytes)
        {
            throw new UserInputException(
                $"limit {limit} is below the floor of {new Limits.MemoryQuantity(LocalRunnerOptions.LimitFloorBytes)}, the least in which a process can start at all; use 4Mi or more");
        }
    }
}
