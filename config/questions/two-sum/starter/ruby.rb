# The indices [i, j] (i < j) of the two numbers adding up to target.
def two_sum(nums, target)
  # TODO
  [-1, -1]
end

data = STDIN.read.split.map(&:to_i)
n, target = data[0], data[1]
i, j = two_sum(data[2, n], target)
puts "#{i} #{j}"
