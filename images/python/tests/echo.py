s = input()
print(f"[{s}] {len(s)}")
