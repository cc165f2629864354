package main

import (
	"bufio"
	"container/heap"
	"container/list"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

type ints []int

func (h ints) Len() int           { return len(h) }
func (h ints) Less(i, j int) bool { return h[i] < h[j] }
func (h ints) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *ints) Push(x any)        { *h = append(*h, x.(int)) }
func (h *ints) Pop() any          { old := *h; x := old[len(old)-1]; *h = old[:len(old)-1]; return x }

func main() {
	r := bufio.NewReader(os.Stdin)
	h := &ints{}
	heap.Push(h, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done() }()
	wg.Wait()
	fmt.Println(r.Size(), list.New().Len(), errors.New("x"), math.Pi, big.NewInt(1), rand.Int()%1,
		sort.IntsAreSorted([]int{1}), strconv.Itoa(1), strings.ToUpper("a"), time.Second, unicode.IsDigit('1'))
}
