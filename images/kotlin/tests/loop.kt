fun main() { print("started\n"); while (true) {} }
