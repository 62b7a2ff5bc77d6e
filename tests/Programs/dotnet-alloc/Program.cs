// usage: DotnetAlloc <MiB> <hold-seconds>
// Allocates and touches MiB MiB in 1 MiB arrays it keeps, prints "allocated", then holds.
using System.Globalization;

var mebibytes = int.Parse(args[0], CultureInfo.InvariantCulture);
var hold = int.Parse(args[1], CultureInfo.InvariantCulture);
var kept = new List<byte[]>();
for (var i = 0; i < mebibytes; i++)
{
    var block = new byte[1 << 20];
    for (var j = 0; j < block.Length; j += 4096)
    {
        block[j] = 1;
    }
    kept.Add(block);
}
Console.WriteLine($"allocated {kept.Count} MiB");
Thread.Sleep(TimeSpan.FromSeconds(hold));
