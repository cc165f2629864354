use std::io::{self, Read};

/// The indices (i < j) of the two numbers adding up to target.
fn two_sum(nums: &[i64], target: i64) -> (i64, i64) {
    // TODO
    let _ = (nums, target);
    (-1, -1)
}

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let data: Vec<i64> = input.split_whitespace().map(|x| x.parse().unwrap()).collect();
    let (n, target) = (data[0] as usize, data[1]);
    let (i, j) = two_sum(&data[2..2 + n], target);
    println!("{} {}", i, j);
}
