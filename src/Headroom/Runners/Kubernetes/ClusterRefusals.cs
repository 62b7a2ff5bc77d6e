using k8s.Autorest;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// The API server's 401 and 403 during a trial, as one-line errors: credentials that expired (an exec plugin's token,
/// a cloud login), or a Role that does not grant what the run does.
/// </summary>
internal static class ClusterRefusals
{
    /// <summary>
    /// A 401 reaches here only after <see cref="FreshCredentialsHandler"/> read the kubeconfig again and the request was
    /// refused with those credentials too (or they were the same).
    /// </summary>
    public static async Task<T> OneLineAsync<T>(KubeConnection connection, string advice, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            throw new UserInputException(
                $"{connection.Where} did not accept the credentials (401 on {e.Request.Method} {e.Request.RequestUri.AbsolutePath}), also after reading the kubeconfig again: credentials expired? log in again (kubectl get pods does) and --resume", e);
        }
        catch (HttpOperationException e) when (KubeConnection.IsRefusal(e))
        {
            throw connection.Refused(e, advice);
        }
    }

    /// <summary>
    /// A namespace list checked before the first patch (Services, HorizontalPodAutoscalers): null when the user's flag
    /// allows what it would refuse (nothing to list); a 403 is a one-line error with <paramref name="forbidden"/>.
    /// </summary>
    public static async Task<IReadOnlyList<T>?> ListUnlessAllowedAsync<T>(bool allowed, Func<Task<IEnumerable<T>>> list, string forbidden)
    {
        if (allowed)
        {
            return null;
        }
        try
        {
            return [.. await list()];
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.Forbidden)
        {
            throw new UserInputException(forbidden, e);
        }
    }
}
