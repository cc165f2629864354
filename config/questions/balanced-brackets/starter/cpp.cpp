#include <iostream>
#include <string>

// Whether every bracket in s is closed by one of its kind, in order.
bool is_balanced(const std::string& s) {
    // TODO
    return false;
}

int main() {
    std::ios::sync_with_stdio(false);
    int t;
    std::cin >> t;
    std::string s;
    while (t-- > 0 && std::cin >> s) std::cout << (is_balanced(s) ? "YES" : "NO") << '\n';
}
