// QuickJS: read standard input with std.in.
class LRUCache {
  constructor(capacity) {
    this.capacity = capacity;
    // TODO
  }

  get(key) {
    // TODO: the value for key (a use), or -1
    return -1;
  }

  put(key, value) {
    // TODO: store, and evict the least recently used key past capacity
  }
}

const lines = std.in.readAsString().split("\n");
const [capacity, q] = lines[0].split(" ").map(Number);
const cache = new LRUCache(capacity);
const out = [];
for (const line of lines.slice(1, 1 + q)) {
  const [op, key, value] = line.split(" ");
  if (op === "get") out.push(cache.get(Number(key)));
  else cache.put(Number(key), Number(value));
}
console.log(out.join("\n"));
