import sys

total = sum(int(line) for line in sys.stdin if line.strip())
print(f"Σ={total} 🚀")
print("done", file=sys.stderr)
