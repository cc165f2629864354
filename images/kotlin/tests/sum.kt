fun main() {
    var s = 0L
    while (true) {
        val line = readLine() ?: break
        if (line.isNotBlank()) s += line.trim().toLong()
    }
    println("Σ=$s 🚀")
    System.err.println("done")
}
