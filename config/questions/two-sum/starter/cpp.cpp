#include <iostream>
#include <utility>
#include <vector>

// The indices (i < j) of the two numbers adding up to target.
std::pair<int, int> two_sum(const std::vector<long long>& nums, long long target) {
    // TODO
    return {-1, -1};
}

int main() {
    std::ios::sync_with_stdio(false);
    int n;
    long long target;
    std::cin >> n >> target;
    std::vector<long long> nums(n);
    for (auto& x : nums) std::cin >> x;
    auto [i, j] = two_sum(nums, target);
    std::cout << i << ' ' << j << '\n';
}
