import * as fs from "fs";

const lines: string[] = fs.readFileSync(0, "utf8").split("\n");
let s: number = 0;
for (const l of lines) if (l.trim()) s += Number(l);
console.log(`Σ=${s} 🚀`);
console.error("done");
