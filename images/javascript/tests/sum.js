let s = 0;
let line;
while ((line = std.in.getline()) !== null) {
  if (line.trim()) s += parseInt(line, 10);
}
console.log(`Σ=${s} 🚀`);
std.err.puts("done\n");
