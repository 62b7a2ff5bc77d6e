using Headroom.Limits;

namespace Headroom.Experiments;

/// <summary>
/// How <see cref="EdgeSearch"/> looks for the survival and healthy edges. The defaults are the ones <c>headroom edge</c>
/// uses and prints in its <c>--help</c>.
/// </summary>
public sealed record EdgeSearchOptions
{
    public static readonly MemoryQuantity DefaultResolution = MemoryQuantity.FromMebibytes(1);
    public const int DefaultConfirm = 3;
    public const double DefaultHealthy = 0.90;
    public const double DefaultP99Factor = 2.0;
    public const int DefaultMaxTrials = 40;

    /// <summary>
    /// The lowest limit the commands try when none is given (4Mi): no process starts in less (the local runner refuses
    /// it), and a knob like GOMEMLIMIT keeps a Go service alive far below its edge, so a floor search reaches it.
    /// </summary>
    public static readonly MemoryQuantity DefaultMin = MemoryQuantity.FromMebibytes(4);

    /// <summary>The search stops when the failing and passing limits are this close; every limit tried is a multiple of it.</summary>
    public MemoryQuantity Resolution { get; init; } = DefaultResolution;

    /// <summary>Consecutive survivals a limit needs to pass; one failure is final for that limit.</summary>
    public int Confirm { get; init; } = DefaultConfirm;

    /// <summary>The healthy edge keeps at least this fraction of the unlimited baseline's req/s.</summary>
    public double Healthy { get; init; } = DefaultHealthy;

    /// <summary>The healthy edge keeps p99 latency within this factor of the unlimited baseline's.</summary>
    public double P99Factor { get; init; } = DefaultP99Factor;

    /// <summary>The lowest limit tried (null: one resolution step; the commands use <see cref="DefaultMin"/>).</summary>
    public MemoryQuantity? Min { get; init; }

    /// <summary>The highest limit tried (null: 4x the unlimited run's peak charged memory, at least 64Mi).</summary>
    public MemoryQuantity? Max { get; init; }

    /// <summary>False to stop at the survival edge (the floor search only needs that one).</summary>
    public bool SearchHealthyEdge { get; init; } = true;

    /// <summary>Bisect (the default) or a linear scan down from the unlimited peak, for comparison.</summary>
    public EdgeStrategy Strategy { get; init; } = EdgeStrategy.Bisect;

    /// <summary>A guard against a target whose outcomes contradict themselves forever.</summary>
    public int MaxTrials { get; init; } = DefaultMaxTrials;

    /// <summary>Throws a one-line <see cref="UserInputException"/> for settings no search can use.</summary>
    public void Validate()
    {
        if (Confirm < 1 || Confirm >= MaxTrials)
        {
            throw new UserInputException($"--confirm must be from 1 to {MaxTrials - 1} (got {Confirm})");
        }
        if (!double.IsFinite(Healthy) || Healthy is <= 0 or > 1)
        {
            throw new UserInputException($"--healthy must be a fraction in (0, 1], e.g. 0.9 (got {Healthy})");
        }
        if (P99Factor < 1)
        {
            throw new UserInputException($"the p99 factor must be at least 1 (got {P99Factor})");
        }
        if (Min is { } min && Max is { } max && min >= max)
        {
            throw new UserInputException($"--min {min} must be below --max {max}");
        }
        if (MaxTrials < Confirm + 1)
        {
            throw new UserInputException($"--max-trials must be more than --confirm (got {MaxTrials})");
        }
    }
}
