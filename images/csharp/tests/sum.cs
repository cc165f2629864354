using System;

class Solution
{
    static void Main()
    {
        long s = 0;
        string line;
        while ((line = Console.ReadLine()) != null)
            if (line.Trim().Length > 0) s += long.Parse(line);
        Console.WriteLine("Σ=" + s + " 🚀");
        Console.Error.WriteLine("done");
    }
}
