/** Whether every bracket in s is closed by one of its kind, in order. */
fun isBalanced(s: String): Boolean {
    // TODO
    return false
}

fun main() {
    val t = readLine()!!.trim().toInt()
    val out = StringBuilder()
    repeat(t) { out.append(if (isBalanced(readLine()!!.trim())) "YES" else "NO").append('\n') }
    print(out)
}
