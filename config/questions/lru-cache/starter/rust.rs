use std::io::{self, Read};

struct LruCache {
    capacity: usize,
    // TODO: your fields
}

impl LruCache {
    fn new(capacity: usize) -> Self {
        LruCache { capacity }
    }

    /// The value for key (counts as a use), or -1.
    fn get(&mut self, key: i64) -> i64 {
        // TODO
        let _ = (key, self.capacity);
        -1
    }

    /// Store value for key; evict the least recently used key past capacity.
    fn put(&mut self, key: i64, value: i64) {
        // TODO
        let _ = (key, value);
    }
}

fn main() {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input).unwrap();
    let mut lines = input.lines();
    let first: Vec<usize> = lines.next().unwrap().split(' ').map(|x| x.parse().unwrap()).collect();
    let mut cache = LruCache::new(first[0]);
    let mut out = String::new();
    for line in lines.take(first[1]) {
        let parts: Vec<&str> = line.split(' ').collect();
        let key: i64 = parts[1].parse().unwrap();
        if parts[0] == "get" {
            out.push_str(&format!("{}\n", cache.get(key)));
        } else {
            cache.put(key, parts[2].parse().unwrap());
        }
    }
    print!("{}", out);
}
