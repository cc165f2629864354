# ruff: noqa: E501  (test programs are data: one-line sources read better unwrapped)
"""Per-language test programs: what a candidate would type, one idiom per language.

``SUM`` reads integers line by line from stdin, prints ``Σ=<sum> 🚀`` on stdout (non-ASCII, an
emoji outside the BMP) and ``done`` on stderr. ``CRASH`` prints ``started`` then fails at run
time, ``LOOP`` prints ``started`` and never ends (what was printed must survive either ending),
``BROKEN`` does not compile (type-check, for TypeScript).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Programs:
    sum: str
    crash: str
    loop: str
    broken: str | None = None
    """Only for languages with a compile (or type-check) stage."""


SUM_INPUT = "3\n4\n\n5\n"
SUM_OUTPUT = "Σ=12 🚀"

PROGRAMS: dict[str, Programs] = {
    "c": Programs(
        sum="""#include <stdio.h>
int main(void) {
    long long x, s = 0;
    while (scanf("%lld", &x) == 1) s += x;
    printf("Σ=%lld 🚀\\n", s);
    fprintf(stderr, "done\\n");
    return 0;
}
""",
        crash='#include <stdio.h>\nint main(void) { printf("started\\n"); volatile int *p = 0; *p = 1; return 0; }\n',
        loop='#include <stdio.h>\nint main(void) { printf("started\\n"); volatile unsigned long n = 0; for (;;) n++; }\n',
        broken="int main(void) { return undefined_name; }\n",
    ),
    "cpp": Programs(
        sum="""#include <iostream>
#include <string>
int main() {
    long long s = 0;
    std::string line;
    while (std::getline(std::cin, line))
        if (!line.empty()) s += std::stoll(line);
    std::cout << "Σ=" << s << " 🚀" << std::endl;
    std::cerr << "done" << std::endl;
}
""",
        crash='#include <iostream>\n#include <stdexcept>\nint main() { std::cout << "started\\n"; throw std::runtime_error("boom"); }\n',
        loop='#include <iostream>\nint main() { std::cout << "started\\n"; volatile unsigned long n = 0; for (;;) n++; }\n',
        broken="int main() { std::string s; return 0 }\n",
    ),
    "java": Programs(
        sum="""import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        long s = 0;
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) s += Long.parseLong(line.trim());
        }
        System.out.println("Σ=" + s + " 🚀");
        System.err.println("done");
    }
}
""",
        crash='public class Main { public static void main(String[] a) { System.out.print("started\\n"); throw new IllegalStateException("boom"); } }\n',
        loop='public class Main { public static void main(String[] a) { System.out.print("started\\n"); while (true) {} } }\n',
        broken='public class Main { public static void main(String[] a) { int x = "s"; } }\n',
    ),
    "python": Programs(
        sum="""import sys

total = sum(int(line) for line in sys.stdin if line.strip())
print(f"Σ={total} 🚀")
print("done", file=sys.stderr)
""",
        crash="print('started')\nprint(1 // 0)\n",
        loop="print('started')\nwhile True:\n    pass\n",
    ),
    "csharp": Programs(
        sum="""using System;

class Solution
{
    static void Main()
    {
        long s = 0;
        string line;
        while ((line = Console.ReadLine()) != null)
            if (line.Trim().Length > 0) s += long.Parse(line);
        Console.WriteLine("Σ=" + s + " 🚀");
        Console.Error.WriteLine("done");
    }
}
""",
        crash='using System; class P { static void Main() { Console.Write("started\\n"); throw new Exception("boom"); } }\n',
        loop='using System; class P { static void Main() { Console.Write("started\\n"); while (true) {} } }\n',
        broken='class P { static void Main() { int x = "s"; } }\n',
    ),
    "go": Programs(
        sum="""package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	s := 0
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			n, _ := strconv.Atoi(t)
			s += n
		}
	}
	fmt.Printf("Σ=%d 🚀\\n", s)
	fmt.Fprintln(os.Stderr, "done")
}
""",
        crash='package main\n\nimport "fmt"\n\nfunc main() { fmt.Print("started\\n"); panic("boom") }\n',
        loop='package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Print("started\\n")\n\tfor {\n\t}\n}\n',
        broken="package main\n\nfunc main() { x := 1 }\n",
    ),
    "javascript": Programs(
        sum="""let s = 0;
let line;
while ((line = std.in.getline()) !== null) {
  if (line.trim()) s += parseInt(line, 10);
}
console.log(`Σ=${s} 🚀`);
std.err.puts("done\\n");
""",
        crash='console.log("started");\nthrow new Error("boom");\n',
        loop='console.log("started");\nfor (;;) {}\n',
    ),
    "node": Programs(
        sum="""const lines = require("fs").readFileSync(0, "utf8").split("\\n");
let s = 0;
for (const l of lines) if (l.trim()) s += Number(l);
console.log(`Σ=${s} 🚀`);
console.error("done");
""",
        crash='console.log("started");\nthrow new Error("boom");\n',
        loop='console.log("started");\nfor (;;) {}\n',
    ),
    "php": Programs(
        sum="""<?php
$s = 0;
while (($line = fgets(STDIN)) !== false) {
    if (trim($line) !== '') $s += (int)$line;
}
echo "Σ=$s 🚀\\n";
fwrite(STDERR, "done\\n");
""",
        crash='<?php\necho "started\\n";\nthrow new Exception("boom");\n',
        loop='<?php\necho "started\\n";\nwhile (true) {}\n',
    ),
    "perl": Programs(
        sum="""use strict;
use warnings;
use utf8;
binmode STDOUT, ':encoding(UTF-8)';
my $s = 0;
while (my $line = <STDIN>) {
    chomp $line;
    $s += $line if $line =~ /\\S/;
}
print "Σ=$s 🚀\\n";
print STDERR "done\\n";
""",
        crash='print "started $0\\n";\ndie "boom";\n',
        loop='print "started\\n";\n1 while 1;\n',
    ),
    "typescript": Programs(
        sum="""import * as fs from "fs";

const lines: string[] = fs.readFileSync(0, "utf8").split("\\n");
let s: number = 0;
for (const l of lines) if (l.trim()) s += Number(l);
console.log(`Σ=${s} 🚀`);
console.error("done");
""",
        crash='console.log("started");\nthrow new Error("boom");\n',
        loop='console.log("started");\nfor (;;) {}\n',
        broken='const x: number = "not a number";\nconsole.log(x);\n',
    ),
    "kotlin": Programs(
        sum="""fun main() {
    var s = 0L
    while (true) {
        val line = readLine() ?: break
        if (line.isNotBlank()) s += line.trim().toLong()
    }
    println("Σ=$s 🚀")
    System.err.println("done")
}
""",
        crash='fun main() { print("started\\n"); throw IllegalStateException("boom") }\n',
        loop='fun main() { print("started\\n"); while (true) {} }\n',
        broken='fun main() { val x: Int = "s" }\n',
    ),
    "ruby": Programs(
        sum="""s = 0
STDIN.each_line { |line| s += line.to_i unless line.strip.empty? }
puts "Σ=#{s} 🚀"
$stderr.puts "done"
""",
        crash='puts "started #{$0} #{__FILE__}"\nraise "boom"\n',
        loop='puts "started"\nloop {}\n',
    ),
}


ECHO_INPUT = "héllo → 🚀\n"
"""Read back by ``ECHO_LINE`` programs: stdin must be decoded as UTF-8 in every language."""
ECHO_LINE: dict[str, str] = {
    "c": '#include <stdio.h>\n#include <string.h>\nint main(void){char b[256]; if(fgets(b,sizeof b,stdin)){b[strcspn(b,"\\n")]=0; printf("[%s]\\n", b);} return 0;}\n',
    "cpp": '#include <iostream>\n#include <string>\nint main(){std::string s; std::getline(std::cin, s); std::cout << "[" << s << "]" << std::endl;}\n',
    "java": 'import java.util.*;\npublic class Main { public static void main(String[] a) { Scanner sc = new Scanner(System.in); String s = sc.nextLine(); System.out.println("[" + s + "] " + s.length()); } }\n',
    "python": 's = input()\nprint(f"[{s}] {len(s)}")\n',
    "csharp": 'using System; class P { static void Main() { var s = Console.ReadLine(); Console.WriteLine("[" + s + "] " + s.Length); } }\n',
    "go": 'package main\nimport ("bufio";"fmt";"os")\nfunc main(){ r := bufio.NewReader(os.Stdin); s, _ := r.ReadString(10); fmt.Printf("[%s] %d\\n", s[:len(s)-1], len([]rune(s))-1) }\n',
    "javascript": "const s = std.in.getline(); console.log(`[${s}] ${s.length}`);\n",
    "node": 'const s = require("fs").readFileSync(0, "utf8").split("\\n")[0]; console.log(`[${s}] ${s.length}`);\n',
    "php": '<?php\n$s = rtrim(fgets(STDIN), "\\n"); echo "[$s] ", mb_strlen($s), "\\n";\n',
    "perl": 'use utf8; use open qw(:std :encoding(UTF-8)); my $s = <STDIN>; chomp $s; print "[$s] ", length($s), "\\n";\n',
    "typescript": 'import * as fs from "fs";\nconst s: string = fs.readFileSync(0, "utf8").split("\\n")[0];\nconsole.log(`[${s}] ${s.length}`);\n',
    "kotlin": 'fun main() { val s = readLine()!!; println("[$s] ${s.length}") }\n',
    "ruby": 's = gets.chomp\nputs "[#{s}] #{s.length}"\n',
}
