public class Main { public static void main(String[] a) { System.out.print("started\n"); throw new IllegalStateException("boom"); } }
