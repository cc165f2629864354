use std::io::{self, Read};

/// Whether every bracket in s is closed by one of its kind, in order.
fn is_balanced(s: &str) -> bool {
    // TODO
    let _ = s;
    false
}

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut words = input.split_whitespace();
    let t: usize = words.next().unwrap().parse().unwrap();
    let mut out = String::new();
    for s in words.take(t) {
        out.push_str(if is_balanced(s) { "YES\n" } else { "NO\n" });
    }
    print!("{}", out);
}
