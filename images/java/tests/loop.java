public class Main { public static void main(String[] a) { System.out.print("started\n"); while (true) {} } }
