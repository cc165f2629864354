fn main() {
    println!("started");
    panic!("boom");
}
