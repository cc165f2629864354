<?php
$s = 0;
while (($line = fgets(STDIN)) !== false) {
    if (trim($line) !== '') $s += (int)$line;
}
echo "Σ=$s 🚀\n";
fwrite(STDERR, "done\n");
