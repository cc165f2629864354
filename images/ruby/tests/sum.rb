s = 0
STDIN.each_line { |line| s += line.to_i unless line.strip.empty? }
puts "Σ=#{s} 🚀"
$stderr.puts "done"
