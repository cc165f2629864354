import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        long s = 0;
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) s += Long.parseLong(line.trim());
        }
        System.out.println("Σ=" + s + " 🚀");
        System.err.println("done");
    }
}
