const s = require("fs").readFileSync(0, "utf8").split("\n")[0]; console.log(`[${s}] ${s.length}`);
