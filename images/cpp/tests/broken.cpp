int main() { std::string s; return 0 }
