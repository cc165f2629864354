package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	s := 0
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			n, _ := strconv.Atoi(t)
			s += n
		}
	}
	fmt.Printf("Σ=%d 🚀\n", s)
	fmt.Fprintln(os.Stderr, "done")
}
