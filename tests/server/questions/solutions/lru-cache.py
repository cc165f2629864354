import sys
from collections import OrderedDict

lines = sys.stdin.read().splitlines()
capacity, q = map(int, lines[0].split())
cache: OrderedDict[int, int] = OrderedDict()
out = []
for line in lines[1 : 1 + q]:
    op, *args = line.split()
    key = int(args[0])
    if op == "get":
        if key in cache:
            cache.move_to_end(key)
        out.append(str(cache.get(key, -1)))
    else:
        cache[key] = int(args[1])
        cache.move_to_end(key)
        if len(cache) > capacity:
            cache.popitem(last=False)
print("\n".join(out))
