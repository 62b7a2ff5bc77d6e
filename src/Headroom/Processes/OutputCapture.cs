using System.Text;

namespace Headroom.Processes;

/// <summary>Keeps the last lines one output stream wrote, up to a number of characters.</summary>
internal sealed class OutputCapture(int maxChars)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();
    private int _chars;

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            _chars += line.Length + 1;
            while (_chars > maxChars && _lines.Count > 1)
            {
                _chars -= _lines.Dequeue().Length + 1;
            }
        }
    }

    public string Text()
    {
        lock (_lock)
        {
            var text = new StringBuilder(_chars);
            foreach (var line in _lines)
            {
                text.Append(line).Append('\n');
            }
            return text.ToString();
        }
    }
}
