import java.io.*;
import java.util.*;

public class Main {
    static class LRUCache {
        private final int capacity;

        LRUCache(int capacity) {
            this.capacity = capacity;
            // TODO
        }

        /** The value for key (counts as a use), or -1. */
        long get(long key) {
            // TODO
            return -1;
        }

        /** Store value for key; evict the least recently used key past capacity. */
        void put(long key, long value) {
            // TODO
        }
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer first = new StringTokenizer(in.readLine());
        LRUCache cache = new LRUCache(Integer.parseInt(first.nextToken()));
        int q = Integer.parseInt(first.nextToken());
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < q; k++) {
            StringTokenizer line = new StringTokenizer(in.readLine());
            String op = line.nextToken();
            long key = Long.parseLong(line.nextToken());
            if (op.equals("get")) out.append(cache.get(key)).append('\n');
            else cache.put(key, Long.parseLong(line.nextToken()));
        }
        System.out.print(out);
    }
}
