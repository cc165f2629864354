class LRUCache(private val capacity: Int) {
    // TODO: your fields

    /** The value for key (counts as a use), or -1. */
    fun get(key: Long): Long {
        // TODO
        return -1
    }

    /** Store value for key; evict the least recently used key past capacity. */
    fun put(key: Long, value: Long) {
        // TODO
    }
}

fun main() {
    val (capacity, q) = readLine()!!.trim().split(" ").map { it.toInt() }
    val cache = LRUCache(capacity)
    val out = StringBuilder()
    repeat(q) {
        val parts = readLine()!!.trim().split(" ")
        if (parts[0] == "get") out.append(cache.get(parts[1].toLong())).append('\n')
        else cache.put(parts[1].toLong(), parts[2].toLong())
    }
    print(out)
}
