#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether every bracket in s is closed by one of its kind, in order. */
int is_balanced(const char *s) {
    /* TODO */
    return 0;
}

int main(void) {
    int t;
    if (scanf("%d", &t) != 1) return 1;
    char *line = malloc(100002);
    while (t-- > 0 && scanf("%100001s", line) == 1) puts(is_balanced(line) ? "YES" : "NO");
    free(line);
    return 0;
}
