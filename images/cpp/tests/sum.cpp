#include <iostream>
#include <string>
int main() {
    long long s = 0;
    std::string line;
    while (std::getline(std::cin, line))
        if (!line.empty()) s += std::stoll(line);
    std::cout << "Σ=" << s << " 🚀" << std::endl;
    std::cerr << "done" << std::endl;
}
