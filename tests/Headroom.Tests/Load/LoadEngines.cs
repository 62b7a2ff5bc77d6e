using Headroom.Load;

namespace Headroom.Tests.Load;

/// <summary>The generator's two socket engines, named in [InlineData] so that every behaviour test runs on both.</summary>
internal static class LoadEngines
{
    public static LoadEngine Parse(string name) => Enum.Parse<LoadEngine>(name);
}
