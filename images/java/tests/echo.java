import java.util.*;
public class Main { public static void main(String[] a) { Scanner sc = new Scanner(System.in); String s = sc.nextLine(); System.out.println("[" + s + "] " + s.length()); } }
