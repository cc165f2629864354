using System;
using System.Text;

class Solution
{
    // Whether every bracket in s is closed by one of its kind, in order.
    static bool IsBalanced(string s)
    {
        // TODO
        return false;
    }

    static void Main()
    {
        int t = int.Parse(Console.ReadLine().Trim());
        var output = new StringBuilder();
        for (int k = 0; k < t; k++) output.AppendLine(IsBalanced(Console.ReadLine().Trim()) ? "YES" : "NO");
        Console.Write(output);
    }
}
