using System;
using System.Linq;

class Solution
{
    // The indices (i < j) of the two numbers adding up to target.
    static (int, int) TwoSum(long[] nums, long target)
    {
        // TODO
        return (-1, -1);
    }

    static void Main()
    {
        var data = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        int n = int.Parse(data[0]);
        long target = long.Parse(data[1]);
        long[] nums = data.Skip(2).Take(n).Select(long.Parse).ToArray();
        var (i, j) = TwoSum(nums, target);
        Console.WriteLine($"{i} {j}");
    }
}
