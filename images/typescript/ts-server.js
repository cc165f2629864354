// A warm TypeScript compiler for one run, started by the pooled container's warm step.
//
// Why: most of a short `tsc` run is parsing the standard library and @types/node. This process
// pays that before the container is handed out (it type-checks a sample in a private temp dir,
// keeping the parsed declaration files), then waits on a FIFO, compiles /work/main.ts exactly once
// with the same options as `tsc -p /opt/ts/tsconfig.json`, reports the exit status on a second
// FIFO and exits. The container is fresh per run, so nothing of any earlier run is ever in it.
//
// Usage: node ts-server.js BASE   (FIFOs BASE.req and BASE.res; output in BASE.out / BASE.err)
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const ts = require("/opt/ts/node_modules/typescript");

const base = process.argv[2];
const configFile = "/opt/ts/tsconfig.json";
const parsed = ts.parseJsonConfigFileContent(
  ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, path.dirname(configFile));
const declarations = new Map(); // parsed lib and @types files, shared by both compiles

function compile(rootFile, rootDir) {
  const options = { ...parsed.options, rootDir, outDir: rootDir };
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, fresh) => {
    if (!fileName.endsWith(".d.ts")) return readSource(fileName, languageVersion, onError, fresh);
    const key = `${fileName}:${JSON.stringify(languageVersion)}`;
    if (!declarations.has(key)) declarations.set(key, readSource(fileName, languageVersion, onError, fresh));
    return declarations.get(key);
  };
  const program = ts.createProgram([rootFile], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const emitted = program.emit();
  const all = diagnostics.concat(emitted.diagnostics);
  const text = ts.formatDiagnostics(all, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => "/work",
    getNewLine: () => "\n",
  });
  const errors = all.some((d) => d.category === ts.DiagnosticCategory.Error);
  return { text, status: errors ? (emitted.emitSkipped ? 1 : 2) : 0 };
}

const warm = fs.mkdtempSync(path.join(os.tmpdir(), "onsite-ts-warm-"));
fs.writeFileSync(path.join(warm, "main.ts"),
  'import * as fs from "fs";\nconst lines: string[] = fs.readFileSync(0, "utf8").split("\\n");\n' +
  "console.log(`warm ${lines.length} π`);\n");
compile(path.join(warm, "main.ts"), warm);

fs.writeFileSync(`${base}.res`, "ready\n");
fs.readFileSync(`${base}.req`); // blocks until the compile step writes "go"
let status = 3;
try {
  const result = compile("/work/main.ts", "/work");
  fs.writeFileSync(`${base}.out`, result.text);
  fs.writeFileSync(`${base}.err`, "");
  status = result.status;
} catch (failure) {
  fs.writeFileSync(`${base}.out`, "");
  fs.writeFileSync(`${base}.err`, String(failure && failure.stack || failure));
}
fs.writeFileSync(`${base}.res`, `${status}\n`);
process.exit(0);
