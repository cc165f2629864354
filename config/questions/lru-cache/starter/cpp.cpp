#include <iostream>
#include <string>

class LRUCache {
public:
    explicit LRUCache(int capacity) : capacity_(capacity) {}

    // The value for key (counts as a use), or -1.
    long long get(long long key) {
        // TODO
        return -1;
    }

    // Store value for key; evict the least recently used key past capacity.
    void put(long long key, long long value) {
        // TODO
    }

private:
    int capacity_;
};

int main() {
    std::ios::sync_with_stdio(false);
    int capacity, q;
    std::cin >> capacity >> q;
    LRUCache cache(capacity);
    std::string op;
    long long key, value;
    while (q-- > 0 && std::cin >> op >> key) {
        if (op == "get") {
            std::cout << cache.get(key) << '\n';
        } else {
            std::cin >> value;
            cache.put(key, value);
        }
    }
}
