fn main() {
    println!("started");
    loop {}
}
