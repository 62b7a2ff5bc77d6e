using k8s.Models;

namespace Headroom.Runners.Kubernetes;

/// <summary>
/// A <c>LabelSelector</c> object as the <c>labelSelector</c> query of a list: <c>matchLabels</c> as <c>k=v</c>, and
/// <c>matchExpressions</c> as <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c> (the set-based syntax of
/// the API's label selectors, as <c>metav1.LabelSelectorAsSelector</c> converts them).
/// </summary>
public static class LabelSelectors
{
    public static string ToQuery(V1LabelSelector? selector)
    {
        var terms = new List<string>();
        foreach (var (key, value) in selector?.MatchLabels ?? new Dictionary<string, string>())
        {
            terms.Add($"{key}={value}");
        }
        foreach (var expression in selector?.MatchExpressions ?? [])
        {
            var values = string.Join(',', (expression.Values ?? []).Order(StringComparer.Ordinal));
            terms.Add(expression.OperatorProperty switch
            {
                "In" => $"{expression.Key} in ({values})",
                "NotIn" => $"{expression.Key} notin ({values})",
                "Exists" => expression.Key,
                "DoesNotExist" => $"!{expression.Key}",
                var other => throw new UserInputException($"the Deployment's selector has the operator '{other}', which label selectors do not have"),
            });
        }
        return string.Join(',', terms);
    }

    /// <summary>Whether the selector matches these labels (an empty or null selector matches nothing here).</summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }
        if (selector.MatchLabels?.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value) == false)
        {
            return false;
        }
        foreach (var e in selector.MatchExpressions ?? [])
        {
            var has = labels.TryGetValue(e.Key, out var value);
            var ok = e.OperatorProperty switch
            {
                "In" => has && e.Values.Contains(value!),
                "NotIn" => !has || !e.Values.Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }
        return (selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0) > 0;
    }
}
