print "started $0\n";
die "boom";
