using System; class P { static void Main() { Console.Write("started\n"); while (true) {} } }
