using System;
using System.Text;

class LRUCache
{
    private readonly int capacity;

    public LRUCache(int capacity)
    {
        this.capacity = capacity;
        // TODO
    }

    // The value for key (counts as a use), or -1.
    public long Get(long key)
    {
        // TODO
        return -1;
    }

    // Store value for key; evict the least recently used key past capacity.
    public void Put(long key, long value)
    {
        // TODO
    }
}

class Solution
{
    static void Main()
    {
        var first = Console.ReadLine().Split(' ');
        var cache = new LRUCache(int.Parse(first[0]));
        int q = int.Parse(first[1]);
        var output = new StringBuilder();
        for (int k = 0; k < q; k++)
        {
            var parts = Console.ReadLine().Split(' ');
            if (parts[0] == "get") output.AppendLine(cache.Get(long.Parse(parts[1])).ToString());
            else cache.Put(long.Parse(parts[1]), long.Parse(parts[2]));
        }
        Console.Write(output);
    }
}
