import java.io.*;

public class Main {
    /** Whether every bracket in s is closed by one of its kind, in order. */
    static boolean isBalanced(String s) {
        // TODO
        return false;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int t = Integer.parseInt(in.readLine().trim());
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < t; k++) out.append(isBalanced(in.readLine().trim()) ? "YES" : "NO").append('\n');
        System.out.print(out);
    }
}
