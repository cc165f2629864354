using System; class P { static void Main() { var s = Console.ReadLine(); Console.WriteLine("[" + s + "] " + s.Length); } }
