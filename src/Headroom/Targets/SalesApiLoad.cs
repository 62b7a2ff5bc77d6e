using Headroom.Load;
using Headroom.Runners;
using Headroom.Runners.Local;

namespace Headroom.Targets;

/// <summary>
/// The article's load on the bundled sample: a token from <c>/v1/users/token/{kid}</c> (basic auth, as
/// <c>make token</c>), then hey's flags (<c>-c 10 -n 1000</c> by default, as <c>make talk-load</c>) on
/// <c>/v1/users?page=1&amp;rows=2</c> with the token as a bearer header, on the trial's own port.
/// </summary>
public sealed class SalesApiLoad : ITrialLoad
{
    public const string DefaultFlags = "-c 10 -n 1000";
    public const string KeyId = "54bb2165-71e1-41a6-af3e-7da4a0e1e2c1";
    private const string UsersPath = "/v1/users?page=1&rows=2";
    private readonly IReadOnlyList<string> _flags;

    /// <param name="heyFlags">hey's flags without a URL (the port is the trial's); null = the article's.</param>
    public SalesApiLoad(string? heyFlags)
    {
        _flags = HeyArguments.Split(heyFlags ?? DefaultFlags);
        // Checked now, so a wrong flag is a one-line error before anything starts.
        HeyArguments.Parse([.. _flags, "http://127.0.0.1:3000" + UsersPath]);
    }

    public string Describe() => $"hey {string.Join(' ', _flags)} -H 'Authorization: Bearer <token>' http://127.0.0.1:<port>{UsersPath}";

    public async Task<TrialLoadRun> RunAsync(TargetLaunch target, IProgress<long> completed, CancellationToken cancellationToken)
    {
        var api = new Uri(target.ReadyUrl!, "/");
        var token = await FetchTokenAsync(api, cancellationToken);
        var options = HeyArguments.Parse([.. _flags, "-H", $"Authorization: Bearer {token}", new Uri(api, UsersPath).ToString()]);
        return await new HeyLoad(options).RunAsync(target, completed, cancellationToken);
    }

    /// <summary>As <c>make token</c>: basic auth with the seeded admin, answer <c>{"token":"…"}</c>.</summary>
    public static Task<string> FetchTokenAsync(Uri api, CancellationToken cancellationToken) =>
        SpecTargets.FetchAsync(new Specs.TokenStep(new Uri(api, $"/v1/users/token/{KeyId}").ToString(), "admin@example.com", "gophers", "token"), cancellationToken);
}
