import java.io.StreamTokenizer

/** The indices (i < j) of the two numbers adding up to target. */
fun twoSum(nums: LongArray, target: Long): Pair<Int, Int> {
    // TODO
    return Pair(-1, -1)
}

fun main() {
    val input = StreamTokenizer(System.`in`.bufferedReader())
    fun next(): Long { input.nextToken(); return input.nval.toLong() }
    val n = next().toInt()
    val target = next()
    val nums = LongArray(n) { next() }
    val (i, j) = twoSum(nums, target)
    println("$i $j")
}
