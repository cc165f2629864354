#include <stdio.h>
#include <stdlib.h>

/* Store in *i and *j the indices (i < j) of the two numbers adding up to target. */
void two_sum(const long long *nums, int n, long long target, int *i, int *j) {
    /* TODO */
    *i = -1;
    *j = -1;
}

int main(void) {
    int n;
    long long target;
    if (scanf("%d %lld", &n, &target) != 2) return 1;
    long long *nums = malloc(sizeof *nums * (size_t)n);
    for (int k = 0; k < n; k++) scanf("%lld", &nums[k]);
    int i, j;
    two_sum(nums, n, target, &i, &j);
    printf("%d %d\n", i, j);
    free(nums);
    return 0;
}
