package main

import (
	"bufio"
	"fmt"
	"os"
)

// isBalanced reports whether every bracket in s is closed by one of its kind, in order.
func isBalanced(s string) bool {
	// TODO
	return false
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var t int
	fmt.Fscan(in, &t)
	for ; t > 0; t-- {
		var s string
		fmt.Fscan(in, &s)
		if isBalanced(s) {
			fmt.Fprintln(out, "YES")
		} else {
			fmt.Fprintln(out, "NO")
		}
	}
}
