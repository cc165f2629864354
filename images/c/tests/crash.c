#include <stdio.h>
int main(void) { printf("started\n"); volatile int *p = 0; *p = 1; return 0; }
