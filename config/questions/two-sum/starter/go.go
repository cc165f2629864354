package main

import (
	"bufio"
	"fmt"
	"os"
)

// twoSum returns the indices (i < j) of the two numbers adding up to target.
func twoSum(nums []int64, target int64) (int, int) {
	// TODO
	return -1, -1
}

func main() {
	in := bufio.NewReader(os.Stdin)
	var n int
	var target int64
	fmt.Fscan(in, &n, &target)
	nums := make([]int64, n)
	for k := range nums {
		fmt.Fscan(in, &nums[k])
	}
	i, j := twoSum(nums, target)
	fmt.Println(i, j)
}
