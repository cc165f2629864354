#include <stdio.h>
int main(void) {
    long long x, s = 0;
    while (scanf("%lld", &x) == 1) s += x;
    printf("Σ=%lld 🚀\n", s);
    fprintf(stderr, "done\n");
    return 0;
}
