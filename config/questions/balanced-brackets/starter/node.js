const lines = require("fs").readFileSync(0, "utf8").split(/\s+/).filter(Boolean);

function isBalanced(s) {
  // TODO: whether every bracket in s is closed by one of its kind, in order
  return false;
}

const t = Number(lines[0]);
console.log(lines.slice(1, 1 + t).map((s) => (isBalanced(s) ? "YES" : "NO")).join("\n"));
