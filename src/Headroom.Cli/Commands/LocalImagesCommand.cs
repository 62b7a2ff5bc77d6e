using System.CommandLine;
using Headroom.Runners.Docker;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom local-images</c>: imports the two images the container runner uses where no registry is reachable,
/// into the engine at <c>DOCKER_HOST</c>, and prints how to run an app with them.
/// </summary>
internal static class LocalImagesCommand
{
    public static Command Create()
    {
        var command = new Command("local-images",
            $"Import {LocalImage.BusyboxHostTag} (static busybox; run a framework-dependent .NET app with the host's .NET and " +
            $"libraries bind-mounted read-only) and {LocalImage.EmptyTag} (for a static binary such as the Go sample) into " +
            "the engine at DOCKER_HOST, without a registry or a build.");
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var output = parsed.InvocationConfiguration.Output;
        using var client = await DockerEngine.ConnectAsync(null, cancellationToken);
        var busybox = await LocalImage.BusyboxHostAsync(client, cancellationToken);
        var empty = await LocalImage.EmptyAsync(client, cancellationToken);
        var binds = string.Join(' ', LocalImage.HostDotnetBinds().Select(b => $"-v {b}"));
        await output.WriteLineAsync($"""
            {busybox}  .NET app, e.g. the sample published to artifacts/sales-api:
              docker run --rm -p 127.0.0.1:3000:3000 {binds} -v $PWD/artifacts/sales-api:/app:ro -e SALES_DATA_DIR=/tmp {busybox} /usr/share/dotnet/dotnet /app/SalesApi.dll
            {empty}  static binary, e.g. the Go sample (CGO_ENABLED=0):
              docker run --rm -p 127.0.0.1:3000:3000 -v $PWD/artifacts/go-sales-api:/app:ro -e SALES_DATA_DIR=/tmp {empty} /app/go-sales-api
            """);
        return 0;
    }
}
