// QuickJS: read standard input with std.in.
function twoSum(nums, target) {
  // TODO: the indices [i, j] (i < j) of the two numbers adding up to target
  return [-1, -1];
}

const data = std.in.readAsString().split(/\s+/).filter(Boolean).map(Number);
const [n, target] = data;
const [i, j] = twoSum(data.slice(2, 2 + n), target);
console.log(`${i} ${j}`);
