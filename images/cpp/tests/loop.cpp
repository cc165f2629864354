#include <iostream>
int main() { std::cout << "started\n"; volatile unsigned long n = 0; for (;;) n++; }
