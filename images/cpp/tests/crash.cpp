#include <iostream>
#include <stdexcept>
int main() { std::cout << "started\n"; throw std::runtime_error("boom"); }
