package main

import "fmt"

func main() {
	fmt.Print("started\n")
	for {
	}
}
