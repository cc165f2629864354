const lines = require("fs").readFileSync(0, "utf8").split("\n");
let s = 0;
for (const l of lines) if (l.trim()) s += Number(l);
console.log(`Σ=${s} 🚀`);
console.error("done");
