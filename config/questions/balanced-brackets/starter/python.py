import sys


def is_balanced(s: str) -> bool:
    """Whether every bracket in s is closed by one of its kind, in order."""
    # TODO
    return False


def main() -> None:
    lines = sys.stdin.read().split()
    t = int(lines[0])
    for s in lines[1 : 1 + t]:
        print("YES" if is_balanced(s) else "NO")


main()
