import sys


def two_sum(nums: list[int], target: int) -> tuple[int, int]:
    """Indices i < j with nums[i] + nums[j] == target."""
    # TODO
    return -1, -1


def main() -> None:
    data = sys.stdin.read().split()
    n, target = int(data[0]), int(data[1])
    nums = [int(x) for x in data[2 : 2 + n]]
    i, j = two_sum(nums, target)
    print(i, j)


main()
