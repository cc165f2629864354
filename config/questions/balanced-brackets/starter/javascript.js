// QuickJS: read standard input with std.in.
function isBalanced(s) {
  // TODO: whether every bracket in s is closed by one of its kind, in order
  return false;
}

const lines = std.in.readAsString().split(/\s+/).filter(Boolean);
const t = Number(lines[0]);
console.log(lines.slice(1, 1 + t).map((s) => (isBalanced(s) ? "YES" : "NO")).join("\n"));
