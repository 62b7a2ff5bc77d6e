namespace Headroom.Runners.Kubernetes;

/// <summary>The Deployment and container trials run in: <c>deployment/sales -c sales-api</c>.</summary>
public sealed record DeploymentTarget(string Name, string Container)
{
    /// <summary>Reads <c>deployment/NAME</c> (or <c>deploy/NAME</c>); a one-line <see cref="UserInputException"/> otherwise.</summary>
    public static string ParseName(string text, string flag)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var kind = slash < 0 ? "" : text[..slash];
        var name = slash < 0 ? "" : text[(slash + 1)..];
        return kind is "deployment" or "deploy" or "deployments" && name.Length > 0 && !name.Contains('/', StringComparison.Ordinal)
            ? name
            : throw new UserInputException($"{flag} '{text}' is not deployment/NAME; e.g. {flag} deployment/sales");
    }

    public string Describe() => $"deployment/{Name} -c {Container}";
}
