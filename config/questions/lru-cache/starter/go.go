package main

import (
	"bufio"
	"fmt"
	"os"
)

type LRUCache struct {
	capacity int
	// TODO: your fields
}

func NewLRUCache(capacity int) *LRUCache {
	return &LRUCache{capacity: capacity}
}

// Get returns the value for key (counts as a use), or -1.
func (c *LRUCache) Get(key int64) int64 {
	// TODO
	return -1
}

// Put stores value for key and evicts the least recently used key past capacity.
func (c *LRUCache) Put(key, value int64) {
	// TODO
}

func main() {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	var capacity, q int
	fmt.Fscan(in, &capacity, &q)
	cache := NewLRUCache(capacity)
	for ; q > 0; q-- {
		var op string
		var key int64
		fmt.Fscan(in, &op, &key)
		if op == "get" {
			fmt.Fprintln(out, cache.Get(key))
		} else {
			var value int64
			fmt.Fscan(in, &value)
			cache.Put(key, value)
		}
	}
}
