import sys

PAIRS = {")": "(", "]": "[", "}": "{"}
lines = sys.stdin.read().split()
for s in lines[1 : 1 + int(lines[0])]:
    stack: list[str] = []
    ok = True
    for c in s:
        if c in "([{":
            stack.append(c)
        elif not stack or stack.pop() != PAIRS[c]:
            ok = False
            break
    print("YES" if ok and not stack else "NO")
