import * as fs from "fs";

class LRUCache {
  constructor(private readonly capacity: number) {
    // TODO
  }

  get(key: number): number {
    // TODO: the value for key (a use), or -1
    return -1;
  }

  put(key: number, value: number): void {
    // TODO: store, and evict the least recently used key past capacity
  }
}

const lines: string[] = fs.readFileSync(0, "utf8").split("\n");
const [capacity, q] = lines[0].split(" ").map(Number);
const cache = new LRUCache(capacity);
const out: number[] = [];
for (const line of lines.slice(1, 1 + q)) {
  const [op, key, value] = line.split(" ");
  if (op === "get") out.push(cache.get(Number(key)));
  else cache.put(Number(key), Number(value));
}
console.log(out.join("\n"));
