<?php
$s = rtrim(fgets(STDIN), "\n"); echo "[$s] ", mb_strlen($s), "\n";
