using System.Globalization;

namespace Headroom.Trials;

/// <summary>
/// One Kubernetes event about the trial's objects, as <c>kubectl describe</c> shows it: <c>Warning BackOff
/// pod/sales-… Back-off restarting failed container</c>. <see cref="Count"/> is how many times it was seen.
/// </summary>
public sealed record TrialEvent(DateTimeOffset? At, string Type, string Reason, string InvolvedObject, string Message, int Count)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Type} {Reason} {InvolvedObject}{(Count > 1 ? $" (x{Count})" : "")}: {Message}");
}
