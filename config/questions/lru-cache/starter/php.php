<?php
class LRUCache {
    private int $capacity;

    public function __construct(int $capacity) {
        $this->capacity = $capacity;
        // TODO
    }

    /** The value for $key (counts as a use), or -1. */
    public function get(int $key): int {
        // TODO
        return -1;
    }

    /** Store $value for $key; evict the least recently used key past capacity. */
    public function put(int $key, int $value): void {
        // TODO
    }
}

$lines = explode("\n", trim(stream_get_contents(STDIN)));
[$capacity, $q] = array_map('intval', explode(' ', $lines[0]));
$cache = new LRUCache($capacity);
$out = [];
foreach (array_slice($lines, 1, $q) as $line) {
    $parts = explode(' ', trim($line));
    if ($parts[0] === 'get') $out[] = $cache->get((int)$parts[1]);
    else $cache->put((int)$parts[1], (int)$parts[2]);
}
if ($out) echo implode("\n", $out), "\n";
