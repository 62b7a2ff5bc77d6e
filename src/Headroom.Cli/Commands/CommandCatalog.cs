using System.CommandLine;

namespace Headroom.Cli.Commands;

/// <summary>Every subcommand of <c>headroom</c>, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return ExperimentCommands.Study();
        yield return ExperimentCommands.Edge();
        yield return ExperimentCommands.Matrix();
        yield return ExperimentCommands.Floor();
        yield return RecommendCommand.Create();
        yield return CheckCommand.Create();
        yield return InitCommand.Create();
        yield return SoakCommand.Create();
        yield return VerifyCommand.Create();
        yield return CurveCommand.Create();
        yield return RunCommand.Create();
        yield return LoadCommand.Create();
        yield return VarsCommand.Create();
        yield return LocalImagesCommand.Create();
        yield return K8sCommand.Create();
    }
}
