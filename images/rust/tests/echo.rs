fn main() {
    let mut s = String::new();
    std::io::stdin().read_line(&mut s).unwrap();
    let s = s.trim_end_matches('\n');
    println!("[{}] {}", s, s.chars().count());
}
