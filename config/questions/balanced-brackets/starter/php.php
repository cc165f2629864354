<?php
/** Whether every bracket in $s is closed by one of its kind, in order. */
function isBalanced(string $s): bool {
    // TODO
    return false;
}

$lines = preg_split('/\s+/', trim(stream_get_contents(STDIN)));
$t = (int)$lines[0];
foreach (array_slice($lines, 1, $t) as $s) {
    echo isBalanced($s) ? "YES\n" : "NO\n";
}
