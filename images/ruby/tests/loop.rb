puts "started"
loop {}
