console.log("started");
for (;;) {}
