puts "started #{$0} #{__FILE__}"
raise "boom"
