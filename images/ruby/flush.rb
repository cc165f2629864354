# Preloaded by the catalogue's run command (ruby -ronsite/flush main.rb): $stdout writes through
# at once, as on a terminal, so what a program printed survives a time limit or a kill.
# $0, __FILE__ and error messages still name main.rb.
$stdout.sync = true
