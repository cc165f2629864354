import * as fs from "fs";

function isBalanced(s: string): boolean {
  // TODO: whether every bracket in s is closed by one of its kind, in order
  return false;
}

const lines: string[] = fs.readFileSync(0, "utf8").split(/\s+/).filter(Boolean);
const t = Number(lines[0]);
console.log(lines.slice(1, 1 + t).map((s) => (isBalanced(s) ? "YES" : "NO")).join("\n"));
