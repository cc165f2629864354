fun main() { print("started\n"); throw IllegalStateException("boom") }
