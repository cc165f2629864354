package main
import ("bufio";"fmt";"os")
func main(){ r := bufio.NewReader(os.Stdin); s, _ := r.ReadString(10); fmt.Printf("[%s] %d\n", s[:len(s)-1], len([]rune(s))-1) }
