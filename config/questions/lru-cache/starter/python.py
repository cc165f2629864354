import sys


class LRUCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        # TODO

    def get(self, key: int) -> int:
        # TODO: the value for key (a use), or -1
        return -1

    def put(self, key: int, value: int) -> None:
        # TODO: store, and evict the least recently used key past capacity
        pass


def main() -> None:
    lines = sys.stdin.read().splitlines()
    capacity, q = map(int, lines[0].split())
    cache = LRUCache(capacity)
    out = []
    for line in lines[1 : 1 + q]:
        op, *args = line.split()
        if op == "get":
            out.append(str(cache.get(int(args[0]))))
        else:
            cache.put(int(args[0]), int(args[1]))
    print("\n".join(out))


main()
