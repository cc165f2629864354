#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int capacity;
    /* TODO: your fields */
} LRUCache;

LRUCache *lru_create(int capacity) {
    LRUCache *cache = calloc(1, sizeof *cache);
    cache->capacity = capacity;
    return cache;
}

/* The value for key (counts as a use), or -1. */
long long lru_get(LRUCache *cache, long long key) {
    /* TODO */
    return -1;
}

/* Store value for key; evict the least recently used key past capacity. */
void lru_put(LRUCache *cache, long long key, long long value) {
    /* TODO */
}

int main(void) {
    int capacity, q;
    if (scanf("%d %d", &capacity, &q) != 2) return 1;
    LRUCache *cache = lru_create(capacity);
    char op[8];
    long long key, value;
    while (q-- > 0 && scanf("%7s %lld", op, &key) == 2) {
        if (strcmp(op, "get") == 0) {
            printf("%lld\n", lru_get(cache, key));
        } else if (scanf("%lld", &value) == 1) {
            lru_put(cache, key, value);
        }
    }
    return 0;
}
