const s = std.in.getline(); console.log(`[${s}] ${s.length}`);
