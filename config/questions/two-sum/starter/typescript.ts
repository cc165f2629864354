import * as fs from "fs";

function twoSum(nums: number[], target: number): [number, number] {
  // TODO: the indices (i < j) of the two numbers adding up to target
  return [-1, -1];
}

const data: number[] = fs.readFileSync(0, "utf8").split(/\s+/).filter(Boolean).map(Number);
const [n, target] = data;
const [i, j] = twoSum(data.slice(2, 2 + n), target);
console.log(`${i} ${j}`);
