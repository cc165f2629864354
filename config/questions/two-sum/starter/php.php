<?php
/** The indices [i, j] (i < j) of the two numbers adding up to $target. */
function twoSum(array $nums, int $target): array {
    // TODO
    return [-1, -1];
}

$data = preg_split('/\s+/', trim(stream_get_contents(STDIN)));
$n = (int)$data[0];
$target = (int)$data[1];
$nums = array_map('intval', array_slice($data, 2, $n));
[$i, $j] = twoSum($nums, $target);
echo "$i $j\n";
