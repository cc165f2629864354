using System; class P { static void Main() { Console.Write("started\n"); throw new Exception("boom"); } }
