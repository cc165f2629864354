fun main() { val s = readLine()!!; println("[$s] ${s.length}") }
