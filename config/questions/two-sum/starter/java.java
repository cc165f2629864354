import java.io.*;
import java.util.*;

public class Main {
    /** The indices (i < j) of the two numbers adding up to target. */
    static int[] twoSum(long[] nums, long target) {
        // TODO
        return new int[] {-1, -1};
    }

    public static void main(String[] args) throws IOException {
        StreamTokenizer in = new StreamTokenizer(new BufferedReader(new InputStreamReader(System.in)));
        in.nextToken();
        int n = (int) in.nval;
        in.nextToken();
        long target = (long) in.nval;
        long[] nums = new long[n];
        for (int k = 0; k < n; k++) {
            in.nextToken();
            nums[k] = (long) in.nval;
        }
        int[] answer = twoSum(nums, target);
        System.out.println(answer[0] + " " + answer[1]);
    }
}
