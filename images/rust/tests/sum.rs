use std::io::{self, BufRead};

fn main() {
    let mut s: i64 = 0;
    for line in io::stdin().lock().lines() {
        let line = line.unwrap();
        let t = line.trim();
        if !t.is_empty() {
            s += t.parse::<i64>().unwrap();
        }
    }
    println!("Σ={} 🚀", s);
    eprintln!("done");
}
