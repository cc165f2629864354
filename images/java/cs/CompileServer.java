import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A warm compiler for one run (Java or Kotlin), started by the pooled container's warm step.
 *
 * Why: a JVM compiler spends most of a short compile loading and JIT-compiling its own classes.
 * This process pays that before the container is handed out (it compiles a sample into a
 * private temp dir), then waits on a FIFO, compiles the run's source exactly once, reports the
 * status on a second FIFO and exits. The container is fresh per run, so nothing of any earlier
 * run is ever in it.
 *
 * Usage: java CompileServer (java|kotlin) BASE — FIFOs BASE.req, BASE.res; output BASE.out/.err.
 */
public final class CompileServer {
    interface Compiler {
        int compile(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    static final class JavaCompiler implements Compiler {
        private final javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();

        public int compile(String[] args, PrintStream out, PrintStream err) {
            return javac.run(null, out, err, args);
        }
    }

    static final class KotlinCompiler implements Compiler {
        private final Class<?> type;
        private final Method exec;

        KotlinCompiler() throws Exception {
            type = Class.forName("org.jetbrains.kotlin.cli.jvm.K2JVMCompiler");
            exec = type.getMethod("exec", PrintStream.class, String[].class);
        }

        public int compile(String[] args, PrintStream out, PrintStream err) throws Exception {
            Object instance = type.getDeclaredConstructor().newInstance();
            Object code = exec.invoke(instance, err, (Object) args);
            return (Integer) code.getClass().getMethod("getCode").invoke(code);
        }
    }

    static String[] javaArgs(String dir, String source) {
        return new String[] {"-encoding", "UTF-8", "-d", dir, source};
    }

    static String[] kotlinArgs(String out, String source) {
        String stdlib = "/opt/kotlinc/lib/kotlin-stdlib.jar";
        return new String[] {
            source, "-d", out, "-no-reflect", "-no-stdlib", "-classpath", stdlib, "-jvm-target", "21"
        };
    }

    public static void main(String[] argv) throws Exception {
        boolean kotlin = argv[0].equals("kotlin");
        String base = argv[1];
        Compiler compiler = kotlin ? new KotlinCompiler() : new JavaCompiler();

        Path warm = Files.createTempDirectory("onsite-cs-warm");
        Path sample = warm.resolve(kotlin ? "Main.kt" : "Main.java");
        Files.writeString(sample, kotlin
            ? "fun main() {\n    val xs = readLine()?.split(\" \")?.map { it.toInt() } ?: listOf(1)\n"
                + "    println(\"warm ${xs.sum()} π\")\n}\n"
            : "import java.util.*;\npublic class Main {\n  public static void main(String[] a) {\n"
                + "    List<Integer> l = new ArrayList<>(); l.add(1);\n"
                + "    System.out.println(\"warm \" + l.size() + \" π\");\n  }\n}\n");
        PrintStream sink = new PrintStream(new java.io.ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String warmOut = warm.resolve("out").toString();
        compiler.compile(kotlin ? kotlinArgs(warmOut, sample.toString())
                                : javaArgs(warmOut, sample.toString()), sink, sink);

        try (Writer ready = new FileWriter(base + ".res", StandardCharsets.UTF_8)) {
            ready.write("ready\n");
        }
        try (BufferedReader request = new BufferedReader(new FileReader(base + ".req", StandardCharsets.UTF_8))) {
            request.readLine();
        }
        int status;
        try (PrintStream out = new PrintStream(new FileOutputStream(base + ".out"), true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(new FileOutputStream(base + ".err"), true, StandardCharsets.UTF_8)) {
            try {
                status = compiler.compile(kotlin ? kotlinArgs("/work/out", "Main.kt")
                                                 : javaArgs("/work", "Main.java"), out, err);
            } catch (Throwable failure) {
                failure.printStackTrace(err);
                status = 3;
            }
        }
        try (Writer result = new FileWriter(base + ".res", StandardCharsets.UTF_8)) {
            result.write(status + "\n");
        }
        System.exit(0);
    }
}
