console.log("started");
throw new Error("boom");
