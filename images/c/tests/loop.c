#include <stdio.h>
int main(void) { printf("started\n"); volatile unsigned long n = 0; for (;;) n++; }
