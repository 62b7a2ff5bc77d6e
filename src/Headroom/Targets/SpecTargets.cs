using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Headroom.Load;
using Headroom.Runners;
using Headroom.Runners.Local;
using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>Turns a study spec's target and load into what the local runner runs: a bundled sample when it names no command.</summary>
public static class SpecTargets
{
    public static (ITargetDefinition Target, ITrialLoad Load) ForLocalRunner(StudySpec spec, string workingDirectory, IProgress<string>? progress)
    {
        var target = spec.Target;
        if (target.Image is not null)
        {
            throw new UserInputException($"target image '{target.Image}' needs the container runner; the local runner runs a command (target.command)");
        }
        if (target.Command is null)
        {
            var sample = BundledSamples.Find(target.Sample ?? BundledSamples.SalesApi, workingDirectory);
            return (new SalesApiTarget(sample, progress), new SalesApiLoad(spec.LoadArguments()));
        }
        if (TargetFiles.ResolveExecutable(target.Command, workingDirectory) is null)
        {
            throw new UserInputException($"target.command: '{target.Command}' not found (not a file and not on PATH); check target.command in the spec");
        }
        var launch = new TargetLaunch([target.Command, .. target.Args])
        {
            Files = (target.Files ?? []).Select(f => Path.GetFullPath(f, workingDirectory)).ToArray(),
            Environment = target.Env,
            WorkingDirectory = workingDirectory,
            ReadyUrl = target.ReadyUrl is null ? null : new Uri(target.ReadyUrl),
            StatsUrl = target.StatsUrl is null ? null : new Uri(target.StatsUrl),
        };
        var flags = HeyArguments.Split(spec.LoadArguments());
        if (!flags.Any(f => f.StartsWith("http://", StringComparison.Ordinal) || f.StartsWith("https://", StringComparison.Ordinal)))
        {
            throw new UserInputException($"load '{spec.Load}' has no URL; for a command target give the URL to load, e.g. load: \"-c 10 -n 1000 http://127.0.0.1:3000/v1/users\"");
        }
        HeyArguments.Parse(flags);
        return (new CommandTarget(launch), new TokenLoad(flags, target.Token));
    }

    /// <summary>hey's arguments, with a bearer token fetched first when the spec has a token step.</summary>
    internal sealed class TokenLoad(IReadOnlyList<string> heyArguments, TokenStep? token) : ITrialLoad
    {
        public string Describe() => $"hey {string.Join(' ', heyArguments)}{(token is null ? "" : " (with a bearer token)")}";

        public async Task<TrialLoadRun> RunAsync(TargetLaunch target, IProgress<long> completed, CancellationToken cancellationToken)
        {
            IReadOnlyList<string> arguments = heyArguments;
            if (token is not null)
            {
                arguments = ["-H", $"Authorization: Bearer {await FetchAsync(token, cancellationToken)}", .. heyArguments];
            }
            return await new HeyLoad(HeyArguments.Parse(arguments)).RunAsync(target, completed, cancellationToken);
        }
    }

    /// <summary>Basic auth against the token URL; the token is the named field of the JSON answer.</summary>
    public static async Task<string> FetchAsync(TokenStep step, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, step.Url);
        if (step.User is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{step.User}:{step.Password}")));
        }
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new UserInputException($"the token URL {step.Url} answered {(int)response.StatusCode}; check target.token");
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return json.RootElement.TryGetProperty(step.Field, out var field) && field.GetString() is { } value
            ? value
            : throw new UserInputException($"the token URL {step.Url} answered without a '{step.Field}' field; check target.token.field");
    }
}
