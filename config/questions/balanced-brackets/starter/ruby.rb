# Whether every bracket in s is closed by one of its kind, in order.
def balanced?(s)
  # TODO
  false
end

lines = STDIN.read.split
t = lines.shift.to_i
lines.first(t).each { |s| puts balanced?(s) ? "YES" : "NO" }
