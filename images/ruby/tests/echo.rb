s = gets.chomp
puts "[#{s}] #{s.length}"
